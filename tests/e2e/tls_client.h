// A blocking POP3 client that can start TLS (STLS or from the first byte),
// for the end-to-end TLS tests. 10 s receive timeout; the server's
// certificate is not verified (the tests make it themselves).
#pragma once

#include <openssl/ssl.h>

#include <string>
#include <vector>

namespace pop3d::e2e {

class TlsClient {
public:
    // source: the local address to bind first (empty: the kernel's choice).
    TlsClient(const std::string& host, int port, const std::string& source = "");
    ~TlsClient();
    TlsClient(const TlsClient&) = delete;
    TlsClient& operator=(const TlsClient&) = delete;
    bool connected() const { return fd_ >= 0; }
    // The handshake; false with the reason in error(). alpn: empty for none.
    bool start_tls(const std::string& alpn = "");
    const std::string& error() const { return error_; }
    bool send(const std::string& bytes);
    // One line without CRLF (through TLS once it started); "<eof>",
    // "<timeout>" or "<error>" otherwise.
    std::string line();
    std::vector<std::string> multiline();
    // Whether anything at all arrives within timeout_ms.
    bool quiet_for(int timeout_ms);

private:
    int read_some(char* buffer, int size);
    int fd_ = -1;
    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
    std::string buffer_;
    std::string error_;
};

}  // namespace pop3d::e2e
