#include "bench/trivial_sender.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "bench/connection.h"

namespace bench {
namespace {

std::string wire_form(const char* text, std::uint64_t length) {
    std::string out;
    out.reserve(length + length / 16 + 8);
    std::uint64_t pos = 0;
    while (pos < length) {
        const void* nl = std::memchr(text + pos, '\n', length - pos);
        std::uint64_t end = nl ? static_cast<std::uint64_t>(static_cast<const char*>(nl) - text) : length;
        if (text[pos] == '.') out += '.';
        out.append(text + pos, end - pos);
        out += "\r\n";
        pos = end + 1;
    }
    return out;
}

}  // namespace

std::string TrivialSender::start(int port, const Manifest& manifest, const MappedFile& mbox,
                                 TrivialSender* out) {
    for (const auto& m : manifest.messages) {
        if (m.offset + m.length > mbox.size()) return "manifest does not fit the mbox";
        out->replies_.push_back("+OK " + std::to_string(m.wire_octets) + " octets\r\n" +
                                wire_form(mbox.data() + m.offset, m.length) + ".\r\n");
    }
    out->stat_reply_ = "+OK " + std::to_string(manifest.messages.size()) + " " +
                       std::to_string(manifest.total_wire_octets()) + "\r\n";
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return std::string("socket: ") + std::strerror(errno);
    out->listen_fd_ = fd;
    int one = 1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 4) != 0)
        return "listen 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno);
    return "";
}

TrivialSender::~TrivialSender() {
    if (listen_fd_ >= 0) ::close(listen_fd_);
}

void TrivialSender::stop() {
    if (listen_fd_ >= 0) ::shutdown(listen_fd_, SHUT_RDWR);
}

std::string TrivialSender::serve_one() {
    int fd;
    do fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) return std::string("accept: ") + std::strerror(errno);
    Connection conn(fd);
    static const std::string ok = "+OK\r\n";
    if (std::string e = conn.send(ok); !e.empty()) return e;
    for (;;) {
        std::string_view line;
        if (std::string e = conn.read_line(&line); !e.empty()) return e;
        const std::string* reply = &ok;
        if (line.substr(0, 5) == "RETR ") {
            std::size_t n = std::strtoul(std::string(line.substr(5)).c_str(), nullptr, 10);
            if (n == 0 || n > replies_.size()) return "trivial sender: bad RETR";
            reply = &replies_[n - 1];
        } else if (line == "STAT") {
            reply = &stat_reply_;
        }
        if (std::string e = write_all(fd, reply->data(), reply->size()); !e.empty()) return e;
        if (line == "QUIT") return "";
    }
}

}  // namespace bench
