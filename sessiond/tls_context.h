// The front's TLS server: the protocol choices, the certificate chain from
// the monitor with the remote key (tls_remote_key.h), and the handshake with
// a deadline of its own.
//
// Choices: TLS 1.2 at least (a 1.0 or 1.1 client gets a protocol_version
// alert); ECDHE key exchange only (static RSA would need a decryption by the
// key, and finite-field DHE is slow and no longer asked for); OpenSSL's
// default ciphers, the server's order first; no compression; no
// renegotiation; no session tickets or cache (one process per connection,
// and forward secrecy); a client that offers ALPN without "pop3" is refused
// with no_application_protocol (the ALPACA cross-protocol attacks).
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "sessiond/tls_stream.h"

namespace pop3d::session {

class TlsContext {
public:
    // The protocol choices, without a certificate: made by the monitor
    // before it forks the front, so that OpenSSL's costly first setup of a
    // context (its algorithms fetched, about 1.5 ms) is done once for both
    // processes instead of once in each. Nothing of the key is in it.
    static Result<std::unique_ptr<TlsContext>> create();
    // In the front: the chain as PEM, leaf first; signatures are asked of
    // monitor_fd. Once.
    Status use_chain(std::string_view chain_pem, int monitor_fd);
    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;

    // The server handshake on the client's connection, at most
    // timeout_seconds, after use_chain. An error says why (for the
    // monitor's log).
    Result<std::unique_ptr<TlsStream>> accept(int in_fd, int out_fd, unsigned timeout_seconds);

private:
    TlsContext() = default;
    SSL_CTX* ctx_ = nullptr;
    bool has_chain_ = false;
};

}  // namespace pop3d::session
