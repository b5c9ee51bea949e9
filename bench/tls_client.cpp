#include "bench/tls_client.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstring>

namespace bench {
namespace {

// One context for the whole run; it keeps no client sessions, so nothing
// can be resumed.
SSL_CTX* context() {
    static SSL_CTX* ctx = [] {
        SSL_CTX* c = SSL_CTX_new(TLS_client_method());
        if (c != nullptr) {
            SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
            SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
            SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);
        }
        return c;
    }();
    return ctx;
}

std::string ssl_error(const char* what, SSL* ssl, int rc) {
    int err = SSL_get_error(ssl, rc);
    if (err == SSL_ERROR_ZERO_RETURN) return "server closed the connection";
    if (err == SSL_ERROR_SYSCALL) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return "timed out waiting for the server";
        if (errno == 0) return "server closed the connection";
        return std::string(what) + ": " + std::strerror(errno);
    }
    unsigned long e = ERR_get_error();
    char text[256];
    ERR_error_string_n(e, text, sizeof text);
    ERR_clear_error();
    return std::string(what) + ": " + text;
}

}  // namespace

TlsClient::~TlsClient() { SSL_free(static_cast<SSL*>(ssl_)); }

std::string TlsClient::handshake(int fd, std::unique_ptr<TlsClient>* out) {
    SSL_CTX* ctx = context();
    if (ctx == nullptr) return "SSL_CTX_new failed";
    SSL* ssl = SSL_new(ctx);
    if (ssl == nullptr) return "SSL_new failed";
    std::unique_ptr<TlsClient> client(new TlsClient(ssl));
    if (SSL_set_fd(ssl, fd) != 1) return "SSL_set_fd failed";
    errno = 0;
    int rc = SSL_connect(ssl);
    if (rc != 1) return ssl_error("TLS handshake", ssl, rc);
    *out = std::move(client);
    return "";
}

std::string TlsClient::read(char* buf, std::size_t size, std::size_t* got) {
    SSL* ssl = static_cast<SSL*>(ssl_);
    for (;;) {
        errno = 0;
        int rc = SSL_read_ex(ssl, buf, size, got);
        if (rc == 1) return "";
        if (SSL_get_error(ssl, rc) == SSL_ERROR_SYSCALL && errno == EINTR) continue;
        return ssl_error("TLS read", ssl, rc);
    }
}

std::string TlsClient::write_all(const char* bytes, std::size_t length) {
    SSL* ssl = static_cast<SSL*>(ssl_);
    while (length > 0) {
        std::size_t n = 0;
        errno = 0;
        int rc = SSL_write_ex(ssl, bytes, length, &n);
        if (rc != 1) {
            if (SSL_get_error(ssl, rc) == SSL_ERROR_SYSCALL && errno == EINTR) continue;
            return ssl_error("TLS write", ssl, rc);
        }
        bytes += n;
        length -= n;
    }
    return "";
}

std::string TlsClient::negotiated() const {
    SSL* ssl = static_cast<SSL*>(ssl_);
    std::string text = std::string(SSL_get_version(ssl)) + "/" + SSL_get_cipher_name(ssl);
    const X509* cert = SSL_get0_peer_certificate(ssl);
    EVP_PKEY* key = cert != nullptr ? X509_get0_pubkey(cert) : nullptr;
    char group[64];
    std::size_t len = 0;
    if (key != nullptr && EVP_PKEY_get_group_name(key, group, sizeof group, &len) == 1)
        text += std::string("/cert-") + group;
    return text;
}

}  // namespace bench
