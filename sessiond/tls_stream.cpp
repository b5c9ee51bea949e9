#include "sessiond/tls_stream.h"

#include <openssl/err.h>
#include <poll.h>
#include <time.h>

#include <cerrno>

namespace pop3d::session {

long long monotonic_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

int wait_for_ssl(int in_fd, int out_fd, int ssl_error, long long deadline_ms, int watch) {
    for (;;) {
        long long left = deadline_ms - monotonic_ms();
        if (left <= 0) return 0;
        bool out = ssl_error == SSL_ERROR_WANT_WRITE;
        pollfd p[2] = {{out ? out_fd : in_fd, static_cast<short>(out ? POLLOUT : POLLIN), 0},
                       {watch, POLLIN, 0}};
        int rc = poll(p, watch >= 0 ? 2 : 1, static_cast<int>(left));
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) return -1;
        if (rc == 0) return 0;
        if (watch >= 0 && p[1].revents) return -1;
        return 1;
    }
}

ClientRead TlsStream::read(char* buffer, std::size_t capacity, unsigned timeout_seconds, int watch) {
    long long deadline = monotonic_ms() + static_cast<long long>(timeout_seconds) * 1000;
    for (;;) {
        ERR_clear_error();
        int n = SSL_read(ssl_.get(), buffer, static_cast<int>(capacity));
        if (n > 0) return {ClientRead::Kind::data, static_cast<std::size_t>(n)};
        int e = SSL_get_error(ssl_.get(), n);
        if (e == SSL_ERROR_ZERO_RETURN) return {ClientRead::Kind::closed, 0};
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) return {ClientRead::Kind::error, 0};
        int ready = wait_for_ssl(in_, out_, e, deadline, watch);
        if (ready == 0) return {ClientRead::Kind::autologout, 0};
        if (ready < 0) return {watch >= 0 ? ClientRead::Kind::watched : ClientRead::Kind::error, 0};
    }
}

Status TlsStream::write(std::string_view bytes, unsigned timeout_seconds) {
    long long deadline = monotonic_ms() + static_cast<long long>(timeout_seconds) * 1000;
    while (!bytes.empty()) {
        ERR_clear_error();
        std::size_t written = 0;
        if (SSL_write_ex(ssl_.get(), bytes.data(), bytes.size(), &written) == 1) {
            bytes.remove_prefix(written);
            continue;
        }
        int e = SSL_get_error(ssl_.get(), 0);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
            return make_error(ErrorKind::temporary, "TLS write failed");
        if (wait_for_ssl(in_, out_, e, deadline) != 1)
            return make_error(ErrorKind::temporary, "client does not read (autologout)");
    }
    return {};
}

void TlsStream::close() {
    ERR_clear_error();
    (void)SSL_shutdown(ssl_.get());  // one attempt: the connection ends anyway
}

std::string TlsStream::version() const { return SSL_get_version(ssl_.get()); }

std::string TlsStream::cipher() const {
    const char* name = SSL_get_cipher_name(ssl_.get());
    return name ? name : "unknown";
}

}  // namespace pop3d::session
