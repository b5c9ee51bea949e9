#include "common/plaintext_policy.h"

#include <gtest/gtest.h>

namespace pop3d {
namespace {

TEST(PlaintextPolicy, LoopbackAddresses) {
    EXPECT_TRUE(is_loopback_address("127.0.0.1"));
    EXPECT_TRUE(is_loopback_address("127.255.0.9"));
    EXPECT_TRUE(is_loopback_address("::1"));
    EXPECT_FALSE(is_loopback_address("128.0.0.1"));
    EXPECT_FALSE(is_loopback_address("192.0.2.7"));
    EXPECT_FALSE(is_loopback_address("::2"));
    EXPECT_FALSE(is_loopback_address("2001:db8::1"));
    EXPECT_FALSE(is_loopback_address("unknown"));
    EXPECT_FALSE(is_loopback_address(""));
}

TEST(PlaintextPolicy, EachSetting) {
    EXPECT_FALSE(tls_required_for(RequireTls::no, "192.0.2.7"));
    EXPECT_TRUE(tls_required_for(RequireTls::yes, "127.0.0.1"));
    EXPECT_FALSE(tls_required_for(RequireTls::except_loopback, "127.0.0.1"));
    EXPECT_FALSE(tls_required_for(RequireTls::except_loopback, "::1"));
    EXPECT_TRUE(tls_required_for(RequireTls::except_loopback, "192.0.2.7"));
    EXPECT_TRUE(tls_required_for(RequireTls::except_loopback, "unknown"));
}

}  // namespace
}  // namespace pop3d
