#include "tests/e2e/tls_client.h"

#include "tests/e2e/harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pop3d::e2e {

TlsClient::TlsClient(const std::string& host, int port, const std::string& source)
    : fd_(connect_to(host, port, source)) {}

TlsClient::~TlsClient() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
    if (fd_ >= 0) close(fd_);
}

bool TlsClient::start_tls(const std::string& alpn) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    ssl_ = ctx_ ? SSL_new(ctx_) : nullptr;
    if (!ssl_ || SSL_set_fd(ssl_, fd_) != 1) {
        error_ = "SSL_new";
        return false;
    }
    if (!alpn.empty()) {
        std::string wire = std::string(1, static_cast<char>(alpn.size())) + alpn;
        SSL_set_alpn_protos(ssl_, reinterpret_cast<const unsigned char*>(wire.data()), static_cast<unsigned>(wire.size()));
    }
    if (SSL_connect(ssl_) != 1) {
        unsigned long e = ERR_get_error();
        char text[256] = "handshake failed";
        if (e) ERR_error_string_n(e, text, sizeof text);
        error_ = text;
        SSL_free(ssl_);
        ssl_ = nullptr;
        return false;
    }
    return true;
}

bool TlsClient::send(const std::string& bytes) {
    if (ssl_) return SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) == static_cast<int>(bytes.size());
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
}

int TlsClient::read_some(char* buffer, int size) {
    if (ssl_) return SSL_read(ssl_, buffer, size);
    return static_cast<int>(::recv(fd_, buffer, static_cast<std::size_t>(size), 0));
}

std::string TlsClient::line() {
    for (int i = 0; i < 10000; ++i) {
        auto end = buffer_.find("\r\n");
        if (end != std::string::npos) {
            std::string l = buffer_.substr(0, end);
            buffer_.erase(0, end + 2);
            return l;
        }
        char chunk[4096];
        int n = read_some(chunk, sizeof chunk);
        if (n == 0) return "<eof>";
        if (n < 0) return ssl_ ? "<error>" : (errno == EAGAIN ? "<timeout>" : "<error>");
        buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    return "<error>";
}

std::vector<std::string> TlsClient::multiline() {
    std::vector<std::string> lines;
    for (int i = 0; i < 100000; ++i) {
        std::string l = line();
        if (l == "." || l.front() == '<') break;
        lines.push_back(l);
    }
    return lines;
}

bool TlsClient::quiet_for(int timeout_ms) {
    if (!buffer_.empty() || (ssl_ && SSL_pending(ssl_) > 0)) return false;
    pollfd p{fd_, POLLIN, 0};
    return poll(&p, 1, timeout_ms) == 0;
}

}  // namespace pop3d::e2e
