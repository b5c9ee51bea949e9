#include "common/auth/account_policy.h"

#include <gtest/gtest.h>

namespace pop3d::auth {
namespace {

privileges::Account account(uid_t uid, gid_t gid, const std::string& home = "/home/alice") {
    return privileges::Account{"alice", uid, gid, home};
}

const AccountPolicy multi{1000, false, 0};

TEST(AccountPolicy, AnOrdinaryAccountPasses) { EXPECT_EQ(account_refusal("alice", account(1001, 1001), multi), nullptr); }

TEST(AccountPolicy, RootIdsMinusOneAndSystemAccountsAreRefused) {
    EXPECT_NE(account_refusal("alice", account(0, 1001), multi), nullptr);
    EXPECT_NE(account_refusal("alice", account(1001, 0), multi), nullptr);
    EXPECT_NE(account_refusal("alice", account(static_cast<uid_t>(-1), 1001), multi), nullptr);
    EXPECT_NE(account_refusal("alice", account(1001, static_cast<gid_t>(-1)), multi), nullptr);
    EXPECT_NE(account_refusal("alice", account(999, 1001), multi), nullptr);
}

TEST(AccountPolicy, NamesAndHomesThatCouldLeaveTheirDirectoryAreRefused) {
    for (const char* name : {"", ".", "..", "a/b", "a\nb", "a\x7f"})
        EXPECT_NE(account_refusal(name, account(1001, 1001), multi), nullptr) << name;
    EXPECT_NE(account_refusal("alice", account(1001, 1001, "home/alice"), multi), nullptr);
    EXPECT_NE(account_refusal("alice", account(1001, 1001, ""), multi), nullptr);
}

TEST(AccountPolicy, SingleUserModeServesOnlyItsOwnUid) {
    AccountPolicy single{1000, true, 500};
    EXPECT_EQ(account_refusal("me", account(500, 500), single), nullptr);
    EXPECT_NE(account_refusal("other", account(1001, 1001), single), nullptr);
}

}  // namespace
}  // namespace pop3d::auth
