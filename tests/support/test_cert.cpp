#include "tests/support/test_cert.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <fstream>

namespace pop3d::testing {
namespace {

std::string pem_of(BIO* bio) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

bool write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    return out.good() && chmod(path.c_str(), 0600) == 0;
}

}  // namespace

TestCert make_test_cert(const std::string& dir, const std::string& name, KeyKind kind, int days) {
    TestCert out;
    EVP_PKEY* key = kind == KeyKind::rsa ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
    if (!key) return out;
    X509* cert = X509_new();
    BIO* cert_bio = BIO_new(BIO_s_mem());
    BIO* key_bio = BIO_new(BIO_s_mem());
    BIGNUM* secret = nullptr;
    bool ok = cert && cert_bio && key_bio && X509_set_version(cert, 2) == 1 &&
              ASN1_INTEGER_set(X509_get_serialNumber(cert), 1) == 1 &&
              X509_gmtime_adj(X509_getm_notBefore(cert), -60) && X509_gmtime_adj(X509_getm_notAfter(cert), 86400L * days) &&
              X509_set_pubkey(cert, key) == 1 &&
              X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                                         reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0) == 1 &&
              X509_set_issuer_name(cert, X509_get_subject_name(cert)) == 1 && X509_sign(cert, key, EVP_sha256()) > 0 &&
              PEM_write_bio_X509(cert_bio, cert) == 1 &&
              PEM_write_bio_PrivateKey(key_bio, key, nullptr, nullptr, 0, nullptr, nullptr) == 1 &&
              EVP_PKEY_get_bn_param(key, kind == KeyKind::rsa ? OSSL_PKEY_PARAM_RSA_FACTOR1 : OSSL_PKEY_PARAM_PRIV_KEY,
                                    &secret) == 1;
    if (ok) {
        out.cert_pem = pem_of(cert_bio);
        out.key_pem = pem_of(key_bio);
        out.secret_number.resize(static_cast<std::size_t>(BN_num_bytes(secret)));
        BN_bn2bin(secret, reinterpret_cast<unsigned char*>(out.secret_number.data()));
        std::string base = dir + "/" + name;
        if (write_file(base + ".pem", out.cert_pem) && write_file(base + ".key", out.key_pem)) {
            out.cert_path = base + ".pem";
            out.key_path = base + ".key";
        }
    }
    BN_clear_free(secret);
    BIO_free(cert_bio);
    BIO_free(key_bio);
    X509_free(cert);
    EVP_PKEY_free(key);
    return out;
}

}  // namespace pop3d::testing
