// The monitor's key: what it signs, that it signs once, and what it refuses.
#include "sessiond/tls_key_holder.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

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

}  // namespace
}  // namespace pop3d::session
