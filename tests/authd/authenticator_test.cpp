#include "authd/authenticator.h"

#include <crypt.h>
#include <gtest/gtest.h>
#include <sodium.h>

#include <cstring>
#include <memory>

#include "tests/support/temp_dir.h"
#include "tests/support/test_user.h"

namespace pop3d::authd {
namespace {

using auth::AuthRequest;
using auth::AuthVerdict;
using auth::Mechanism;
using auth::Outcome;

std::string argon2(const char* pw) {
    char h[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(h, pw, std::strlen(pw), crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN) != 0) return "";
    return h;
}

std::string sha512(const char* pw) {
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    crypt_gensalt_rn("$6$", 5000, nullptr, 0, salt, sizeof salt);
    struct crypt_data d = {};
    return crypt_r(pw, salt, &d);
}

AuthRequest pass(const std::string& user, const std::string& pw, Mechanism m = Mechanism::user_pass) {
    AuthRequest r;
    r.mechanism = m;
    r.user = user;
    r.password.assign(pw);
    r.client = "127.0.0.1";
    return r;
}

AuthRequest apop(const std::string& user, const std::string& digest) {
    AuthRequest r;
    r.mechanism = Mechanism::apop;
    r.user = user;
    r.apop_digest = digest;
    r.apop_timestamp = "<1896.697170952@dbc.mtview.ca.us>";
    return r;
}

class AuthenticatorTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_GE(sodium_init(), 0);
        ASSERT_TRUE(dir.ok());
        config.users_file = dir.file("users");
        config.apop_file = dir.file("apop");
        config.min_uid = 1000;
        config.failure_delay = 0;
    }
    AuthVerdict verify(const AuthRequest& r) {
        return Authenticator(config, single_user_uid < 0, single_user_uid < 0 ? 0 : single_user_uid).verify(r);
    }
    testing::TempDir dir;
    AuthConfig config;
    // >= 0: pop3d-auth as if started by a monitor without root, as this uid.
    long single_user_uid = -1;
};

TEST_F(AuthenticatorTest, PasswdFileArgon2idAndCryptWithOwners) {
    config.backends = {AuthBackend::passwd_file};
    dir.write("users", "alice:" + argon2("wonderland") + ":nobody\nbob:" + sha512("builder") + ":nobody\n");
    AuthVerdict v = verify(pass("alice", "wonderland"));
    ASSERT_TRUE(v.accepted());
    EXPECT_EQ(v.user, "alice");
    EXPECT_EQ(v.owner, "nobody");
    EXPECT_EQ(v.uid, 65534u);
    EXPECT_TRUE(verify(pass("bob", "builder", Mechanism::auth_plain)).accepted());
    EXPECT_EQ(verify(pass("alice", "Wonderland")).outcome, Outcome::rejected);
    EXPECT_EQ(verify(pass("bob", "wonderland")).outcome, Outcome::rejected);
    EXPECT_EQ(verify(pass("carol", "wonderland")).outcome, Outcome::rejected);
}

TEST_F(AuthenticatorTest, PasswdFileOwnerRules) {
    config.backends = {AuthBackend::passwd_file};
    std::string h = argon2("pw");
    dir.write("users", "r:" + h + ":root\nd:" + h + ":daemon\nx:" + h + ":p3a-no-such-account\nnobody:" + h + "\n");
    EXPECT_EQ(verify(pass("r", "pw")).outcome, Outcome::rejected);  // uid 0
    EXPECT_EQ(verify(pass("d", "pw")).outcome, Outcome::rejected);  // uid below min_uid
    EXPECT_EQ(verify(pass("x", "pw")).outcome, Outcome::rejected);  // no such owner
    AuthVerdict self = verify(pass("nobody", "pw"));               // owner defaults to the name
    ASSERT_TRUE(self.accepted());
    EXPECT_EQ(self.owner, "nobody");
    config.min_uid = 65535;
    EXPECT_EQ(verify(pass("nobody", "pw")).outcome, Outcome::rejected);
}

TEST_F(AuthenticatorTest, FilesAreReadAgainForEachRequest) {
    config.backends = {AuthBackend::passwd_file};
    const Authenticator a(config, true, 0);
    EXPECT_FALSE(a.verify(pass("nobody", "pw")).accepted());  // no file yet: no entries
    dir.write("users", "nobody:" + argon2("pw") + "\n");
    EXPECT_TRUE(a.verify(pass("nobody", "pw")).accepted());
    dir.write("users", "nobody:" + argon2("other") + "\n");
    EXPECT_FALSE(a.verify(pass("nobody", "pw")).accepted());
}

TEST_F(AuthenticatorTest, MalformedFileIsAnAdministratorsProblem) {
    config.backends = {AuthBackend::passwd_file};
    dir.write("users", "nobody\n");
    EXPECT_EQ(verify(pass("nobody", "pw")).outcome, Outcome::permanent);
    dir.write("users", "");
    dir.write("apop", "mrose\n");
    EXPECT_EQ(verify(pass("nobody", "pw")).outcome, Outcome::permanent);
}

TEST_F(AuthenticatorTest, ApopRfc1939ExampleAndNoPassForApopUsers) {
    config.backends = {AuthBackend::passwd_file};
    dir.write("apop", "mrose:tanstaaf\n");
    dir.write("users", "mrose:" + argon2("pw") + ":nobody\n");
    AuthVerdict v = verify(apop("mrose", "c4c9334bac560ecc979e58001b3e22fb"));
    ASSERT_TRUE(v.accepted());
    EXPECT_EQ(v.user, "mrose");
    EXPECT_EQ(v.owner, "nobody");
    EXPECT_EQ(verify(apop("mrose", "c4c9334bac560ecc979e58001b3e22fc")).outcome, Outcome::rejected);
    EXPECT_EQ(verify(apop("carol", "c4c9334bac560ecc979e58001b3e22fb")).outcome, Outcome::rejected);
    // RFC 1939 section 13: the right PASS password is refused to an APOP user.
    EXPECT_EQ(verify(pass("mrose", "pw")).outcome, Outcome::rejected);
    EXPECT_EQ(verify(pass("mrose", "pw", Mechanism::auth_plain)).outcome, Outcome::rejected);
    dir.write("apop", "");
    EXPECT_TRUE(verify(pass("mrose", "pw")).accepted());
}

TEST_F(AuthenticatorTest, EmptyApopFileSettingDisablesApop) {
    config.backends = {AuthBackend::passwd_file};
    dir.write("apop", "nobody:tanstaaf\n");
    dir.write("users", "nobody:" + argon2("pw") + "\n");
    EXPECT_TRUE(verify(apop("nobody", "c4c9334bac560ecc979e58001b3e22fb")).accepted());
    config.apop_file = "";
    EXPECT_EQ(verify(apop("nobody", "c4c9334bac560ecc979e58001b3e22fb")).outcome, Outcome::rejected);
    EXPECT_TRUE(verify(pass("nobody", "pw")).accepted());
}

TEST_F(AuthenticatorTest, ApopOwnerMustBeAnOrdinaryAccount) {
    config.backends = {AuthBackend::passwd_file};
    dir.write("apop", "daemon:tanstaaf\np3a-nobody-here:tanstaaf\n");
    EXPECT_EQ(verify(apop("daemon", "c4c9334bac560ecc979e58001b3e22fb")).outcome, Outcome::rejected);
    EXPECT_EQ(verify(apop("p3a-nobody-here", "c4c9334bac560ecc979e58001b3e22fb")).outcome, Outcome::rejected);
}

class ShadowTest : public AuthenticatorTest {
protected:
    void SetUp() override {
        AuthenticatorTest::SetUp();
        std::string why;
        user = testing::TestUser::create("p3a-shadow", "correct horse", &why);
        if (!user) GTEST_SKIP() << why;
        config.backends = {AuthBackend::shadow, AuthBackend::passwd_file};
    }
    std::unique_ptr<testing::TestUser> user;
};

TEST_F(ShadowTest, AcceptsTheRightPasswordOnly) {
    AuthVerdict v = verify(pass(user->name(), "correct horse"));
    ASSERT_TRUE(v.accepted());
    EXPECT_EQ(v.user, user->name());
    EXPECT_EQ(v.owner, user->name());
    EXPECT_EQ(v.uid, user->uid());
    EXPECT_EQ(v.gid, user->gid());
    EXPECT_EQ(v.home, user->home());
    EXPECT_EQ(verify(pass(user->name(), "correct horsE")).outcome, Outcome::rejected);
    EXPECT_EQ(verify(pass(user->name(), "")).outcome, Outcome::rejected);
    EXPECT_EQ(verify(pass("p3a-unknown", "correct horse")).outcome, Outcome::rejected);
}

TEST_F(ShadowTest, LockedExpiredAndEmptyAccountsAreRefused) {
    ASSERT_EQ(testing::run_command("usermod -L " + user->name()), 0);
    EXPECT_EQ(verify(pass(user->name(), "correct horse")).outcome, Outcome::rejected);
    ASSERT_EQ(testing::run_command("usermod -U " + user->name()), 0);
    EXPECT_TRUE(verify(pass(user->name(), "correct horse")).accepted());
    ASSERT_EQ(testing::run_command("usermod -e 1970-01-02 " + user->name()), 0);
    EXPECT_EQ(verify(pass(user->name(), "correct horse")).outcome, Outcome::rejected);
    ASSERT_EQ(testing::run_command("usermod -e '' " + user->name() + " && passwd -d " + user->name() + " >/dev/null"), 0);
    EXPECT_EQ(verify(pass(user->name(), "")).outcome, Outcome::rejected);
}

// uid 0 is refused by shadow_refusal (shadow_account_test) and for a
// passwd-file owner above; giving a test account uid 0 would be reckless.
TEST_F(ShadowTest, BelowMinUidIsRefused) {
    config.min_uid = user->uid() + 1;
    EXPECT_EQ(verify(pass(user->name(), "correct horse")).outcome, Outcome::rejected);
    config.min_uid = user->uid();
    EXPECT_TRUE(verify(pass(user->name(), "correct horse")).accepted());
}

// The monitor would refuse these accounts (sessiond/login_check.h); refused
// here before the hash, a right password is an ordinary rejection, answered
// when a wrong one is, instead of at once by the monitor (issue 11, item 2).
TEST_F(ShadowTest, AccountsTheMonitorRefusesAreRejectedHere) {
    const std::string name = user->name();
    ASSERT_TRUE(verify(pass(name, "correct horse")).accepted());
    ASSERT_EQ(testing::run_command("usermod -g root " + name), 0);
    EXPECT_EQ(verify(pass(name, "correct horse")).outcome, Outcome::rejected);
    ASSERT_EQ(testing::run_command("usermod -g " + std::to_string(user->gid()) + " " + name), 0);
    single_user_uid = user->uid() + 1;
    EXPECT_EQ(verify(pass(name, "correct horse")).outcome, Outcome::rejected);
    single_user_uid = user->uid();
    EXPECT_TRUE(verify(pass(name, "correct horse")).accepted());
}

TEST_F(ShadowTest, LaterBackendStillTriedAfterAShadowMismatch) {
    dir.write("users", user->name() + ":" + argon2("file password") + "\n");
    EXPECT_TRUE(verify(pass(user->name(), "file password")).accepted());
    EXPECT_TRUE(verify(pass(user->name(), "correct horse")).accepted());
    config.backends = {AuthBackend::shadow};
    EXPECT_FALSE(verify(pass(user->name(), "file password")).accepted());
}

}  // namespace
}  // namespace pop3d::authd
