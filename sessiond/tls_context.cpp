#include "sessiond/tls_context.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "sessiond/tls_library.h"
#include "sessiond/tls_remote_key.h"

namespace pop3d::session {
namespace {

// The TLS 1.2 ciphers: OpenSSL's default list without every key exchange
// but ECDHE. TLS 1.3 has ECDHE by its groups below.
constexpr const char* tls12_ciphers = "DEFAULT:!kRSA:!kDHE:!kPSK:!kDHEPSK:!kRSAPSK:!kECDHEPSK:!kSRP";
constexpr const char* ecdhe_groups = "X25519:P-256:X448:P-384:P-521";

std::string openssl_reason(const char* what) {
    unsigned long e = ERR_peek_last_error();
    ERR_clear_error();
    if (e == 0) return what;
    load_tls_error_strings();
    const char* reason = ERR_reason_error_string(e);
    return std::string(what) + ": " + (reason ? reason : "unknown reason");
}

int select_pop3(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned int inlen,
                void*) {
    static const unsigned char pop3[] = {4, 'p', 'o', 'p', '3'};
    unsigned char* chosen = nullptr;
    if (SSL_select_next_proto(&chosen, outlen, pop3, sizeof pop3, in, inlen) == OPENSSL_NPN_NEGOTIATED) {
        *out = chosen;
        return SSL_TLSEXT_ERR_OK;
    }
    return SSL_TLSEXT_ERR_ALERT_FATAL;  // no_application_protocol
}

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};

Status use_chain_and_remote_key(SSL_CTX* ctx, std::string_view chain_pem, int monitor_fd) {
    std::unique_ptr<BIO, BioFree> in(BIO_new_mem_buf(chain_pem.data(), static_cast<int>(chain_pem.size())));
    if (!in) return make_error(ErrorKind::temporary, openssl_reason("BIO"));
    std::unique_ptr<X509, X509Free> leaf(PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr));
    if (!leaf || SSL_CTX_use_certificate(ctx, leaf.get()) != 1)
        return make_error(ErrorKind::temporary, openssl_reason("certificate"));
    for (int i = 0; i < 16; ++i) {
        X509* extra = PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr);
        if (!extra) break;
        if (SSL_CTX_add0_chain_cert(ctx, extra) != 1) {
            X509_free(extra);
            return make_error(ErrorKind::temporary, openssl_reason("chain"));
        }
    }
    ERR_clear_error();
    auto key = make_remote_key(leaf.get(), monitor_fd);
    if (!key) return key.error();
    int used = SSL_CTX_use_PrivateKey(ctx, *key);
    EVP_PKEY_free(*key);
    if (used != 1) return make_error(ErrorKind::temporary, openssl_reason("key"));
    return {};
}

}  // namespace

Result<std::unique_ptr<TlsContext>> TlsContext::create() {
    std::unique_ptr<TlsContext> c(new TlsContext());
    c->ctx_ = SSL_CTX_new(TLS_server_method());
    if (!c->ctx_) return make_error(ErrorKind::temporary, openssl_reason("SSL_CTX_new"));
    SSL_CTX* ctx = c->ctx_;
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET |
                                 SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    // A write retried after WANT_WRITE may come from a buffer that moved
    // (the relay keeps its own stable, this is the second line of defence).
    SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_num_tickets(ctx, 0);
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
        SSL_CTX_set_cipher_list(ctx, tls12_ciphers) != 1 || SSL_CTX_set1_groups_list(ctx, ecdhe_groups) != 1)
        return make_error(ErrorKind::temporary, openssl_reason("TLS settings"));
    SSL_CTX_set_alpn_select_cb(ctx, select_pop3, nullptr);
    return c;
}

Status TlsContext::use_chain(std::string_view chain_pem, int monitor_fd) {
    if (has_chain_) return make_error(ErrorKind::permanent, "a second certificate chain");
    has_chain_ = true;
    return use_chain_and_remote_key(ctx_, chain_pem, monitor_fd);
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

Result<std::unique_ptr<TlsStream>> TlsContext::accept(int in_fd, int out_fd, unsigned timeout_seconds) {
    if (!has_chain_) return make_error(ErrorKind::permanent, "no certificate chain");
    SslPtr ssl(SSL_new(ctx_));
    if (!ssl || SSL_set_rfd(ssl.get(), in_fd) != 1 || SSL_set_wfd(ssl.get(), out_fd) != 1)
        return make_error(ErrorKind::temporary, openssl_reason("SSL_new"));
    long long deadline = monotonic_ms() + static_cast<long long>(timeout_seconds) * 1000;
    for (;;) {
        ERR_clear_error();
        int r = SSL_accept(ssl.get());
        if (r == 1) break;
        int e = SSL_get_error(ssl.get(), r);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            int ready = wait_for_ssl(in_fd, out_fd, e, deadline);
            if (ready == 0) return make_error(ErrorKind::temporary, "handshake not done within " +
                                                                        std::to_string(timeout_seconds) + " s");
            if (ready < 0) return make_error(ErrorKind::temporary, "poll failed during the handshake");
            continue;
        }
        if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) return make_error(ErrorKind::temporary, "client left");
        return make_error(ErrorKind::temporary, openssl_reason("handshake failed"));
    }
    return std::make_unique<TlsStream>(std::move(ssl), in_fd, out_fd);
}

}  // namespace pop3d::session
