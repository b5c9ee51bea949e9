// The monitor's side of TLS: per connection, while root and before login,
// it reads the certificate chain and the private key (so a renewed
// certificate is used by the next connection without a reload), hands the
// front the chain only, performs the one signature of the handshake, and
// wipes the key before the process becomes the mailbox owner.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "sessiond/tls_frames.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace pop3d::session {

class TlsKeyHolder {
public:
    // Reads and checks both files (the key must match the first certificate).
    // An error is a temporary failure: that session offers no TLS.
    static Result<std::unique_ptr<TlsKeyHolder>> load(const std::string& cert_path, const std::string& key_path);
    ~TlsKeyHolder();
    TlsKeyHolder(const TlsKeyHolder&) = delete;
    TlsKeyHolder& operator=(const TlsKeyHolder&) = delete;

    // The certificates of the chain file re-encoded as PEM, leaf first:
    // nothing else of the file (a key kept in the same file) reaches the front.
    const std::string& chain_pem() const { return chain_pem_; }

    // Signs what the front asks, once (tls_sign_policy.h says what is
    // accepted); the key is wiped right after, whatever the outcome.
    Result<std::string> sign_once(const SignRequestFrame& request);

    // Frees the key; the bignums are cleared by OpenSSL as they are freed.
    void wipe();
    bool has_key() const { return key_ != nullptr; }

private:
    TlsKeyHolder() = default;
    std::string chain_pem_;
    EVP_PKEY* key_ = nullptr;
};

}  // namespace pop3d::session
