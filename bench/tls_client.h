// The load generator's TLS: a client session over an already connected
// loopback socket, with OpenSSL. Every connection makes a full handshake: no
// session is ever offered for resumption, and the peer is not verified (the
// certificate is the one the harness generated for 127.0.0.1).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace bench {

class TlsClient {
public:
    ~TlsClient();
    TlsClient(const TlsClient&) = delete;
    TlsClient& operator=(const TlsClient&) = delete;

    // Handshakes over fd (blocking, with the socket's own timeouts).
    static std::string handshake(int fd, std::unique_ptr<TlsClient>* out);

    // Like recv: bytes read (> 0) into buf, or an error; "closed" at end.
    std::string read(char* buf, std::size_t size, std::size_t* got);
    std::string write_all(const char* bytes, std::size_t length);
    // What was negotiated, e.g. "TLSv1.3/TLS_AES_256_GCM_SHA384/P-256".
    std::string negotiated() const;

private:
    explicit TlsClient(void* ssl) : ssl_(ssl) {}
    void* ssl_;  // SSL*, kept opaque so that callers need no OpenSSL headers
};

}  // namespace bench
