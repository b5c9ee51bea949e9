#include "daemon/tls_check.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <ctime>

#include "tests/support/temp_dir.h"
#include "tests/support/test_cert.h"

namespace pop3d::daemon {
namespace {

using testing::KeyKind;

Config with_tls(const std::string& cert, const std::string& key) {
    Config c = default_config();
    c.server.listen = {Endpoint{"0.0.0.0", 110, false}};
    c.tls.cert = cert;
    c.tls.key = key;
    return c;
}

bool mentions(const std::vector<std::string>& lines, const std::string& what) {
    for (const auto& l : lines)
        if (l.find(what) != std::string::npos) return true;
    return false;
}

long long now() { return static_cast<long long>(std::time(nullptr)); }

TEST(TlsCheck, AGoodPairPassesQuietly) {
    testing::TempDir dir;
    auto c = testing::make_test_cert(dir.path(), "ec", KeyKind::ecdsa, 90);
    auto check = check_tls(with_tls(c.cert_path, c.key_path), now());
    EXPECT_TRUE(check.errors.empty()) << check.errors.front();
    EXPECT_TRUE(check.warnings.empty()) << check.warnings.front();
}

TEST(TlsCheck, AKeyOfAnotherCertificateIsAnError) {
    testing::TempDir dir;
    auto a = testing::make_test_cert(dir.path(), "a", KeyKind::ecdsa);
    auto b = testing::make_test_cert(dir.path(), "b", KeyKind::rsa);
    auto check = check_tls(with_tls(a.cert_path, b.key_path), now());
    EXPECT_TRUE(mentions(check.errors, "does not match")) << check.errors.size();
}

TEST(TlsCheck, AKeyReadableByOthersIsAnError) {
    testing::TempDir dir;
    auto c = testing::make_test_cert(dir.path(), "ec", KeyKind::ecdsa);
    ASSERT_EQ(chmod(c.key_path.c_str(), 0644), 0);
    auto check = check_tls(with_tls(c.cert_path, c.key_path), now());
    EXPECT_TRUE(mentions(check.errors, "readable by group or others"));
}

TEST(TlsCheck, ExpiryWithinFourteenDaysIsWarnedAbout) {
    testing::TempDir dir;
    auto c = testing::make_test_cert(dir.path(), "ec", KeyKind::ecdsa, 10);
    auto check = check_tls(with_tls(c.cert_path, c.key_path), now());
    EXPECT_TRUE(check.errors.empty());
    EXPECT_TRUE(mentions(check.warnings, "expires within 14 days"));
    auto later = check_tls(with_tls(c.cert_path, c.key_path), now() + 20 * 86400);
    EXPECT_TRUE(mentions(later.errors, "expired"));
}

TEST(TlsCheck, PlaintextLoginsOffLoopbackAreWarnedAbout) {
    Config c = default_config();
    c.server.listen = {Endpoint{"0.0.0.0", 110, false}};
    c.tls.require_tls = RequireTls::no;
    EXPECT_TRUE(mentions(check_tls(c, now()).warnings, "in the clear"));
    c.server.listen = {Endpoint{"127.0.0.1", 110, false}, Endpoint{"::1", 110, true}};
    EXPECT_TRUE(check_tls(c, now()).warnings.empty());
    c.server.listen = {Endpoint{"0.0.0.0", 110, false}};
    c.tls.require_tls = RequireTls::except_loopback;
    EXPECT_FALSE(mentions(check_tls(c, now()).warnings, "in the clear"));
    EXPECT_TRUE(mentions(check_tls(c, now()).warnings, "cannot log in"));
}

}  // namespace
}  // namespace pop3d::daemon
