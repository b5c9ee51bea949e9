// The monitor's key: what it signs, that it signs once, and what it refuses.
#include "sessiond/tls_key_holder.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <memory>

#include "sessiond/tls_sign_policy.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_cert.h"

namespace pop3d::session {
namespace {

using testing::KeyKind;
using testing::TempDir;

EVP_PKEY* read_key(const std::string& pem) {
    BIO* b = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    EVP_PKEY* k = PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr);
    BIO_free(b);
    return k;
}

// An EMSA-PSS block as TLS makes it: a PSS signature opened with the public key.
std::string pss_block(EVP_PKEY* key, const std::string& digest) {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
    std::string sig(512, '\0');
    std::size_t len = sig.size();
    EVP_PKEY_sign_init(ctx);
    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256());
    EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST);
    bool ok = EVP_PKEY_sign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                            reinterpret_cast<const unsigned char*>(digest.data()), digest.size()) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok) return {};
    sig.resize(len);
    ctx = EVP_PKEY_CTX_new(key, nullptr);
    std::string block(len, '\0');
    std::size_t block_len = len;
    EVP_PKEY_verify_recover_init(ctx);
    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING);
    ok = EVP_PKEY_verify_recover(ctx, reinterpret_cast<unsigned char*>(block.data()), &block_len,
                                 reinterpret_cast<const unsigned char*>(sig.data()), sig.size()) == 1;
    EVP_PKEY_CTX_free(ctx);
    return ok ? block : std::string();
}

class TlsKeyHolderTest : public ::testing::Test {
protected:
    TempDir dir;
};

TEST_F(TlsKeyHolderTest, PssBlocksAreRecognised) {
    auto c = testing::make_test_cert(dir.path(), "rsa", KeyKind::rsa);
    ASSERT_FALSE(c.key_path.empty());
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(read_key(c.key_pem), EVP_PKEY_free);
    std::string block = pss_block(key.get(), std::string(32, 'h'));
    ASSERT_EQ(block.size(), 256u);
    EXPECT_TRUE(is_pss_block(block, 2048));
    // A ciphertext or a blinded one is a random number: no PSS structure.
    std::string random(256, '\0');
    for (std::size_t i = 0; i < random.size(); ++i) random[i] = static_cast<char>(i * 37 + 11);
    random.back() = static_cast<char>(0xbc);
    random[0] = 0x11;
    EXPECT_FALSE(is_pss_block(random, 2048));
    std::string flipped = block;
    flipped[10] ^= 1;
    EXPECT_FALSE(is_pss_block(flipped, 2048));
    EXPECT_FALSE(is_pss_block(block.substr(1), 2048));
    EXPECT_FALSE(is_pss_block(block, 4096));
}

TEST_F(TlsKeyHolderTest, DigestPolicies) {
    EXPECT_TRUE(acceptable_digest_length(32));
    EXPECT_TRUE(acceptable_digest_length(64));
    EXPECT_FALSE(acceptable_digest_length(20));  // SHA-1
    EXPECT_FALSE(acceptable_digest_length(36));  // MD5+SHA-1 of TLS 1.0
    EXPECT_TRUE(acceptable_pkcs1_digest(NID_sha256, std::string(32, 'x')));
    EXPECT_FALSE(acceptable_pkcs1_digest(NID_sha256, std::string(48, 'x')));
    EXPECT_FALSE(acceptable_pkcs1_digest(NID_sha1, std::string(20, 'x')));
}

TEST_F(TlsKeyHolderTest, EcdsaSignsOnceAndVerifies) {
    auto c = testing::make_test_cert(dir.path(), "ec", KeyKind::ecdsa);
    auto holder = TlsKeyHolder::load(c.cert_path, c.key_path);
    ASSERT_TRUE(holder.ok()) << holder.error().message;
    EXPECT_NE((*holder)->chain_pem().find("BEGIN CERTIFICATE"), std::string::npos);
    std::string digest(32, 'd');
    auto sig = (*holder)->sign_once({SignScheme::ecdsa, 0, digest});
    ASSERT_TRUE(sig.ok()) << sig.error().message;
    EXPECT_FALSE((*holder)->has_key());
    EXPECT_FALSE((*holder)->sign_once({SignScheme::ecdsa, 0, digest}).ok());

    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(read_key(c.key_pem), EVP_PKEY_free);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key.get(), nullptr);
    EVP_PKEY_verify_init(ctx);
    EXPECT_EQ(EVP_PKEY_verify(ctx, reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                              reinterpret_cast<const unsigned char*>(digest.data()), digest.size()),
              1);
    EVP_PKEY_CTX_free(ctx);
}

TEST_F(TlsKeyHolderTest, RsaSignsPkcs1AndPssBlocksOnly) {
    auto c = testing::make_test_cert(dir.path(), "rsa", KeyKind::rsa);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(read_key(c.key_pem), EVP_PKEY_free);
    {
        auto holder = TlsKeyHolder::load(c.cert_path, c.key_path);
        ASSERT_TRUE(holder.ok()) << holder.error().message;
        EXPECT_TRUE((*holder)->sign_once({SignScheme::rsa_pkcs1, NID_sha256, std::string(32, 'd')}).ok());
    }
    {
        auto holder = TlsKeyHolder::load(c.cert_path, c.key_path);
        ASSERT_TRUE(holder.ok());
        std::string block = pss_block(key.get(), std::string(32, 'h'));
        auto sig = (*holder)->sign_once({SignScheme::rsa_pss_block, 0, block});
        ASSERT_TRUE(sig.ok()) << sig.error().message;
        EXPECT_EQ(sig->size(), 256u);
    }
    {
        // A raw operation on anything but a PSS block is refused, and the
        // key is gone all the same.
        auto holder = TlsKeyHolder::load(c.cert_path, c.key_path);
        ASSERT_TRUE(holder.ok());
        std::string ciphertext(256, '\x42');
        EXPECT_FALSE((*holder)->sign_once({SignScheme::rsa_pss_block, 0, ciphertext}).ok());
        EXPECT_FALSE((*holder)->has_key());
    }
    {
        auto holder = TlsKeyHolder::load(c.cert_path, c.key_path);
        ASSERT_TRUE(holder.ok());
        EXPECT_FALSE((*holder)->sign_once({SignScheme::ecdsa, 0, std::string(32, 'd')}).ok());
    }
}

TEST_F(TlsKeyHolderTest, RefusesWhatCannotServe) {
    auto rsa = testing::make_test_cert(dir.path(), "rsa", KeyKind::rsa);
    auto ec = testing::make_test_cert(dir.path(), "ec", KeyKind::ecdsa);
    auto mismatch = TlsKeyHolder::load(rsa.cert_path, ec.key_path);
    ASSERT_FALSE(mismatch.ok());
    EXPECT_NE(mismatch.error().message.find("does not match"), std::string::npos) << mismatch.error().message;
    EXPECT_FALSE(TlsKeyHolder::load(rsa.cert_path, dir.file("missing.key")).ok());
    EXPECT_FALSE(TlsKeyHolder::load(dir.file("missing.pem"), rsa.key_path).ok());
    EXPECT_FALSE(TlsKeyHolder::load(rsa.key_path, rsa.key_path).ok());  // no certificate in it
}

TEST_F(TlsKeyHolderTest, AKeyInTheCertificateFileNeverReachesTheChain) {
    auto c = testing::make_test_cert(dir.path(), "ec", KeyKind::ecdsa);
    std::string both = dir.write("both.pem", c.key_pem + c.cert_pem);
    auto holder = TlsKeyHolder::load(both, c.key_path);
    ASSERT_TRUE(holder.ok()) << holder.error().message;
    EXPECT_EQ((*holder)->chain_pem().find("PRIVATE"), std::string::npos);
    EXPECT_EQ((*holder)->chain_pem(), c.cert_pem);
}

// The key written in another PEM form than PKCS#8, as older tools and
// `openssl genrsa` write it; empty on failure.
std::string pem_of(EVP_PKEY* key, bool traditional, const char* passphrase) {
    BIO* b = BIO_new(BIO_s_mem());
    bool ok = traditional ? PEM_write_bio_PrivateKey_traditional(b, key, nullptr, nullptr, 0, nullptr, nullptr) == 1
                          : PEM_write_bio_PKCS8PrivateKey(b, key, EVP_aes_256_cbc(), nullptr, 0, nullptr,
                                                          const_cast<char*>(passphrase)) == 1;
    char* data = nullptr;
    long len = BIO_get_mem_data(b, &data);
    std::string pem = ok ? std::string(data, static_cast<std::size_t>(len)) : std::string();
    BIO_free(b);
    return pem;
}

// The key is decoded as the certificate's type only (tls_key_holder.cpp):
// every PEM form of that type must still load, and nothing else.
TEST_F(TlsKeyHolderTest, ReadsTheKeyInEachUnencryptedPemForm) {
    for (KeyKind kind : {KeyKind::rsa, KeyKind::ecdsa}) {
        auto c = testing::make_test_cert(dir.path(), kind == KeyKind::rsa ? "rsa" : "ec", kind);
        EVP_PKEY* key = read_key(c.key_pem);
        ASSERT_NE(key, nullptr);
        std::string traditional = pem_of(key, true, nullptr);
        std::string encrypted = pem_of(key, false, "secret");
        EVP_PKEY_free(key);
        ASSERT_NE(traditional.find(kind == KeyKind::rsa ? "BEGIN RSA PRIVATE KEY" : "BEGIN EC PRIVATE KEY"),
                  std::string::npos);
        ASSERT_NE(encrypted.find("BEGIN ENCRYPTED PRIVATE KEY"), std::string::npos);

        auto pkcs8 = TlsKeyHolder::load(c.cert_path, c.key_path);
        EXPECT_TRUE(pkcs8.ok()) << pkcs8.error().message;
        auto own_form = TlsKeyHolder::load(c.cert_path, dir.write("traditional.key", traditional));
        ASSERT_TRUE(own_form.ok()) << own_form.error().message;
        EXPECT_TRUE((*own_form)->has_key());
        // No passphrase is ever asked for: an encrypted key is refused.
        EXPECT_FALSE(TlsKeyHolder::load(c.cert_path, dir.write("encrypted.key", encrypted)).ok());
    }
}

TEST_F(TlsKeyHolderTest, RefusesACertificateOfAnotherKeyType) {
    auto c = testing::make_test_cert(dir.path(), "ec", KeyKind::ecdsa);
    EVP_PKEY* ed = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    ASSERT_NE(ed, nullptr);
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, ed);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("ed"), -1, -1, 0);
    X509_set_issuer_name(cert, X509_get_subject_name(cert));
    ASSERT_GT(X509_sign(cert, ed, nullptr), 0);
    BIO* b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(b, cert);
    char* data = nullptr;
    long len = BIO_get_mem_data(b, &data);
    std::string cert_path = dir.write("ed.pem", std::string(data, static_cast<std::size_t>(len)));
    BIO_free(b);
    X509_free(cert);
    EVP_PKEY_free(ed);
    auto refused = TlsKeyHolder::load(cert_path, c.key_path);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("neither an RSA nor an EC key"), std::string::npos)
        << refused.error().message;
}

}  // namespace
}  // namespace pop3d::session
