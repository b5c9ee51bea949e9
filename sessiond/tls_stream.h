// One established TLS connection in the front: reads and writes with the
// same deadlines as the plain connection (client_io.h).
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "sessiond/client_io.h"

namespace pop3d::session {

struct SslFree {
    void operator()(SSL* s) const { SSL_free(s); }
};
using SslPtr = std::unique_ptr<SSL, SslFree>;

class TlsStream {
public:
    TlsStream(SslPtr ssl, int in_fd, int out_fd) : ssl_(std::move(ssl)), in_(in_fd), out_(out_fd) {}
    // As read_client: at most timeout_seconds, watching `watch` if not -1.
    ClientRead read(char* buffer, std::size_t capacity, unsigned timeout_seconds, int watch = -1);
    Status write(std::string_view bytes, unsigned timeout_seconds);
    // A close_notify, without waiting for the client's.
    void close();
    std::string version() const;
    std::string cipher() const;
    SSL* ssl() const { return ssl_.get(); }
    int in_fd() const { return in_; }
    int out_fd() const { return out_; }

private:
    SslPtr ssl_;
    int in_;
    int out_;
};

// Waits until the connection is ready for what SSL_get_error asked
// (SSL_ERROR_WANT_READ on in_fd, _WANT_WRITE on out_fd; they differ only
// under socat with pipes) or `watch` is readable, at most until deadline_ms
// (CLOCK_MONOTONIC, ms). 1 ready, 0 timed out, -1 error or watched.
int wait_for_ssl(int in_fd, int out_fd, int ssl_error, long long deadline_ms, int watch = -1);
long long monotonic_ms();

}  // namespace pop3d::session
