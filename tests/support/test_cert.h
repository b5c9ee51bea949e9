// Keys and self-signed certificates made at test time with the OpenSSL API
// (RSA 2048 or ECDSA P-256), written as PEM files, with the private numbers
// the memory tests look for.
#pragma once

#include <string>

namespace pop3d::testing {

enum class KeyKind { rsa, ecdsa };

struct TestCert {
    std::string cert_path;
    std::string key_path;
    std::string cert_pem;
    std::string key_pem;
    // RSA: the prime p; ECDSA: the private scalar; big-endian bytes.
    std::string secret_number;
};

// Writes DIR/NAME.pem and DIR/NAME.key (mode 0600); days: validity from now.
// Empty paths on failure.
TestCert make_test_cert(const std::string& dir, const std::string& name, KeyKind kind, int days = 30);

}  // namespace pop3d::testing
