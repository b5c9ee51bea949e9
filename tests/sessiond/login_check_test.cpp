#include "sessiond/login_check.h"

#include <gtest/gtest.h>

namespace pop3d::session {
namespace {

auth::AuthVerdict accepted(const std::string& user, uid_t uid) {
    auth::AuthVerdict v;
    v.outcome = auth::Outcome::accepted;
    v.user = user;
    v.owner = user;
    v.uid = uid;
    v.gid = uid;
    v.home = "/home/" + user;
    return v;
}

LoginPolicy policy() { return LoginPolicy{1000, false, 0, "/var/mail/%u", "%h/.pop3d"}; }

TEST(LoginCheck, ExpandsTheTemplatesForAnAcceptedUser) {
    auto login = check_login(accepted("alice", 1001), policy());
    ASSERT_TRUE(login.ok()) << login.error().message;
    EXPECT_EQ(login->maildrop, "/var/mail/alice");
    EXPECT_EQ(login->state_dir, "/home/alice/.pop3d");
    EXPECT_EQ(login->uid, 1001u);
}

TEST(LoginCheck, RefusesRootLowUidsAndRejectedVerdicts) {
    EXPECT_FALSE(check_login(accepted("root", 0), policy()).ok());
    EXPECT_FALSE(check_login(accepted("daemon", 999), policy()).ok());
    auto rejected = accepted("alice", 1001);
    rejected.outcome = auth::Outcome::rejected;
    EXPECT_FALSE(check_login(rejected, policy()).ok());
}

TEST(LoginCheck, RefusesNamesThatWouldLeaveTheMailDirectory) {
    for (const char* name : {"", ".", "..", "../etc/passwd", "a/b", "a\nb"})
        EXPECT_FALSE(check_login(accepted(name, 1001), policy()).ok()) << name;
    auto relative_home = accepted("alice", 1001);
    relative_home.home = "home/alice";
    EXPECT_FALSE(check_login(relative_home, policy()).ok());
}

TEST(LoginCheck, SingleUserModeServesOnlyItsOwnUid) {
    LoginPolicy p = policy();
    p.single_user = true;
    p.self_uid = 1234;
    EXPECT_TRUE(check_login(accepted("me", 1234), p).ok());
    EXPECT_FALSE(check_login(accepted("other", 1235), p).ok());
    p.self_uid = 500;  // below min_uid is fine for our own account
    EXPECT_TRUE(check_login(accepted("me", 500), p).ok());
}

TEST(LoginCheck, EmptyStateDirTemplateMeansNoStateFile) {
    LoginPolicy p = policy();
    p.state_dir_template.clear();
    auto login = check_login(accepted("alice", 1001), p);
    ASSERT_TRUE(login.ok());
    EXPECT_EQ(login->state_dir, "");
}

}  // namespace
}  // namespace pop3d::session
