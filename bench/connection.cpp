#include "bench/connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "bench/tls_client.h"

namespace bench {

std::string write_all(int fd, const char* bytes, std::size_t length) {
    while (length > 0) {
        ssize_t n = ::send(fd, bytes, length, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::string("send: ") + std::strerror(errno);
        bytes += n;
        length -= static_cast<std::size_t>(n);
    }
    return "";
}

Connection::Connection(int fd) : fd_(fd), buf_(kLineBuffer) {}

Connection::~Connection() {
    tls_.reset();
    if (fd_ >= 0) ::close(fd_);
}

Connection::Connection(Connection&& other) noexcept
    : fd_(other.fd_), tls_(std::move(other.tls_)), buf_(std::move(other.buf_)), begin_(other.begin_), end_(other.end_) {
    other.fd_ = -1;
}

Connection& Connection::operator=(Connection&& other) noexcept {
    if (this != &other) {
        tls_.reset();
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        tls_ = std::move(other.tls_);
        buf_ = std::move(other.buf_);
        begin_ = other.begin_;
        end_ = other.end_;
        other.fd_ = -1;
    }
    return *this;
}

std::string Connection::connect_loopback(int port, Connection* out) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return std::string("socket: ") + std::strerror(errno);
    Connection conn(fd);
    timeval tv{kIoTimeoutSeconds, 0};
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
        return std::string("setsockopt: ") + std::strerror(errno);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc;
    do rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    while (rc != 0 && errno == EINTR);
    if (rc != 0) return "connect 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno);
    *out = std::move(conn);
    return "";
}

std::string Connection::start_tls() { return TlsClient::handshake(fd_, &tls_); }

std::string Connection::tls_negotiated() const { return tls_ ? tls_->negotiated() : ""; }

std::string Connection::send(std::string_view bytes) {
    if (tls_) return tls_->write_all(bytes.data(), bytes.size());
    return write_all(fd_, bytes.data(), bytes.size());
}

std::string Connection::fill() {
    if (begin_ > 0) {
        std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (end_ == buf_.size()) return "server line longer than " + std::to_string(kLineBuffer);
    if (tls_) {
        std::size_t got = 0;
        if (std::string e = tls_->read(buf_.data() + end_, buf_.size() - end_, &got); !e.empty())
            return e;
        end_ += got;
        return "";
    }
    for (;;) {
        ssize_t n = ::recv(fd_, buf_.data() + end_, buf_.size() - end_, 0);
        if (n > 0) {
            end_ += static_cast<std::size_t>(n);
            return "";
        }
        if (n == 0) return "server closed the connection";
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return "timed out waiting for the server";
        return std::string("recv: ") + std::strerror(errno);
    }
}

std::string Connection::read_line(std::string_view* line) {
    for (;;) {
        const char* start = buf_.data() + begin_;
        const void* nl = std::memchr(start, '\n', end_ - begin_);
        if (nl != nullptr) {
            std::size_t len = static_cast<std::size_t>(static_cast<const char*>(nl) - start);
            if (len == 0 || start[len - 1] != '\r') return "server line not ended by CRLF";
            *line = std::string_view(start, len - 1);
            begin_ += len + 1;
            return "";
        }
        if (std::string e = fill(); !e.empty()) return e;
    }
}

std::string Connection::expect_ok(std::string_view* reply) {
    std::string_view line;
    if (std::string e = read_line(&line); !e.empty()) return e;
    if (line.substr(0, 3) != "+OK") return "server said: " + std::string(line.substr(0, 200));
    if (reply != nullptr) *reply = line;
    return "";
}

std::string Connection::command(std::string_view cmd, std::string_view* reply) {
    std::string wire(cmd);
    wire += "\r\n";
    if (std::string e = send(wire); !e.empty()) return e;
    if (std::string e = expect_ok(reply); !e.empty()) return std::string(cmd.substr(0, 4)) + ": " + e;
    return "";
}

std::string Connection::read_body_matching(const char* expected, std::uint64_t length,
                                           std::uint64_t* wire_octets) {
    std::uint64_t pos = 0, octets = 0;
    for (;;) {
        std::string_view line;
        if (std::string e = read_line(&line); !e.empty()) return e;
        if (line == ".") break;
        if (!line.empty() && line[0] == '.') line.remove_prefix(1);
        octets += line.size() + 2;
        const void* nl = std::memchr(expected + pos, '\n', length - pos);
        if (pos >= length || nl == nullptr)
            return "server sent more than the message (extra line at octet " +
                   std::to_string(octets) + ")";
        std::uint64_t want = static_cast<std::uint64_t>(static_cast<const char*>(nl) - expected) - pos;
        if (want != line.size() || std::memcmp(line.data(), expected + pos, line.size()) != 0)
            return "wrong bytes in the line at message octet " + std::to_string(octets - line.size() - 2);
        pos += want + 1;
    }
    if (pos != length)
        return "message truncated: " + std::to_string(length - pos) + " bytes missing";
    *wire_octets = octets;
    return "";
}

std::string Connection::skip_body() {
    for (;;) {
        std::string_view line;
        if (std::string e = read_line(&line); !e.empty()) return e;
        if (line == ".") return "";
    }
}

}  // namespace bench
