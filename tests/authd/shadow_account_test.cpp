#include "authd/shadow_account.h"

#include <gtest/gtest.h>

namespace pop3d::authd {
namespace {

ShadowAccount usable() {
    ShadowAccount a;
    a.account = {"alice", 1000, 1000, "/home/alice"};
    a.hash = "$6$salt$hash";
    a.last_change = 19000;
    a.max_days = 99999;
    return a;
}

constexpr long today = 20000;

TEST(ShadowRefusal, UsableAccountPasses) { EXPECT_EQ(shadow_refusal(usable(), today, 1000), Refusal::none); }

TEST(ShadowRefusal, EveryRule) {
    ShadowAccount a = usable();
    a.account.uid = 0;
    EXPECT_EQ(shadow_refusal(a, today, 0), Refusal::root);
    a = usable();
    EXPECT_EQ(shadow_refusal(a, today, 1001), Refusal::below_min_uid);
    a.hash = "";
    EXPECT_EQ(shadow_refusal(a, today, 1000), Refusal::empty_password);
    a.hash = "!$6$salt$hash";
    EXPECT_EQ(shadow_refusal(a, today, 1000), Refusal::locked);
    a.hash = "*";
    EXPECT_EQ(shadow_refusal(a, today, 1000), Refusal::locked);
    a = usable();
    a.expire = today;
    EXPECT_EQ(shadow_refusal(a, today, 1000), Refusal::account_expired);
    a.expire = today + 1;
    EXPECT_EQ(shadow_refusal(a, today, 1000), Refusal::none);
    a = usable();
    a.last_change = 0;
    EXPECT_EQ(shadow_refusal(a, today, 1000), Refusal::password_expired);
    a = usable();
    a.max_days = 30;
    a.last_change = today - 31;
    EXPECT_EQ(shadow_refusal(a, today, 1000), Refusal::password_expired);
    a.last_change = today - 30;
    EXPECT_EQ(shadow_refusal(a, today, 1000), Refusal::none);
}

TEST(ShadowLookup, UnknownUserIsNotAnError) {
    auto r = lookup_shadow_account("p3a-no-such-user");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_FALSE(r->has_value());
}

}  // namespace
}  // namespace pop3d::authd
