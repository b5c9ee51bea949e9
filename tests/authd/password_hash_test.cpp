#include "authd/password_hash.h"

#include <crypt.h>
#include <gtest/gtest.h>
#include <sodium.h>

namespace pop3d::authd {
namespace {

std::string crypt_hash(const char* prefix, const char* password) {
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!crypt_gensalt_rn(prefix, 0, nullptr, 0, salt, sizeof salt)) return "";
    struct crypt_data data = {};
    const char* h = crypt_r(password, salt, &data);
    return h && h[0] != '*' ? h : "";
}

TEST(PasswordHash, Argon2id) {
    ASSERT_GE(sodium_init(), 0);
    char h[crypto_pwhash_STRBYTES];
    ASSERT_EQ(crypto_pwhash_str(h, "pw", 2, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN), 0);
    ASSERT_EQ(std::string(h).rfind("$argon2id$", 0), 0u);
    EXPECT_TRUE(verify_password(h, Secret("pw")));
    EXPECT_FALSE(verify_password(h, Secret("pW")));
    EXPECT_FALSE(verify_password(h, Secret("")));
}

TEST(PasswordHash, Sha512Crypt) {
    std::string h = crypt_hash("$6$", "pw");
    ASSERT_EQ(h.rfind("$6$", 0), 0u);
    EXPECT_TRUE(verify_password(h, Secret("pw")));
    EXPECT_FALSE(verify_password(h, Secret("pw2")));
}

TEST(PasswordHash, Yescrypt) {
    std::string h = crypt_hash("$y$", "pw");
    if (h.empty()) GTEST_SKIP() << "libcrypt without yescrypt";
    EXPECT_TRUE(verify_password(h, Secret("pw")));
    EXPECT_FALSE(verify_password(h, Secret("px")));
}

TEST(PasswordHash, LockedEmptyAndMalformedHashesNeverMatch) {
    std::string h = crypt_hash("$6$", "pw");
    EXPECT_FALSE(verify_password("!" + h, Secret("pw")));
    EXPECT_FALSE(verify_password("*", Secret("")));
    EXPECT_FALSE(verify_password("", Secret("")));
    EXPECT_FALSE(verify_password("x", Secret("x")));
    EXPECT_FALSE(verify_password("$argon2id$garbage", Secret("pw")));
}

// The dummies must stay of the kind real hashes are made with, or an
// unknown user would cost less than a known one.
TEST(PasswordHash, DummyHashesAreOfTheKindsInUse) {
    ASSERT_GE(sodium_init(), 0);
    char h[crypto_pwhash_STRBYTES];
    ASSERT_EQ(crypto_pwhash_str(h, "pw", 2, crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE), 0);
    std::string made(h);
    // "$argon2id$v=19$m=65536,t=2,p=1$": everything up to the salt.
    std::size_t params = made.find('$', made.find("p=")) + 1;
    EXPECT_EQ(std::string(dummy_argon2_hash.substr(0, params)), made.substr(0, params));

    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    ASSERT_TRUE(crypt_gensalt_rn(nullptr, 0, nullptr, 0, salt, sizeof salt));
    std::string setting(salt);  // "$y$j9T$SALT"
    std::string prefix = setting.substr(0, setting.rfind('$') + 1);
    EXPECT_EQ(std::string(dummy_crypt_hash.substr(0, prefix.size())), prefix);

    EXPECT_FALSE(verify_password(dummy_argon2_hash, Secret("")));
    EXPECT_FALSE(verify_password(dummy_crypt_hash, Secret("")));
}

}  // namespace
}  // namespace pop3d::authd
