#include "sessiond/login_check.h"

#include <gtest/gtest.h>

#include <map>

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

// An account database of its own: what the monitor's getpwnam_r would say.
class FakeAccounts {
public:
    void add(const std::string& name, uid_t uid, gid_t gid, const std::string& home) {
        accounts_[name] = privileges::Account{name, uid, gid, home};
    }
    // Every verdict accepted() makes is true to this database.
    void add_as_verdict(const auth::AuthVerdict& v) { add(v.owner, v.uid, v.gid, v.home); }
    AccountLookup lookup() const {
        return [this](const std::string& name) -> Result<std::optional<privileges::Account>> {
            auto it = accounts_.find(name);
            if (it == accounts_.end()) return std::optional<privileges::Account>();
            return std::optional<privileges::Account>(it->second);
        };
    }

private:
    std::map<std::string, privileges::Account> accounts_;
};

// The verdict checked against a database that agrees with it.
Result<Login> check_true(const auth::AuthVerdict& v, const LoginPolicy& p) {
    FakeAccounts db;
    db.add_as_verdict(v);
    return check_login(v, p, db.lookup());
}

TEST(LoginCheck, ExpandsTheTemplatesForAnAcceptedUser) {
    auto login = check_true(accepted("alice", 1001), policy());
    ASSERT_TRUE(login.ok()) << login.error().message;
    EXPECT_EQ(login->maildrop, "/var/mail/alice");
    EXPECT_EQ(login->state_dir, "/home/alice/.pop3d");
    EXPECT_EQ(login->uid, 1001u);
}

TEST(LoginCheck, RefusesRootLowUidsAndRejectedVerdicts) {
    EXPECT_FALSE(check_true(accepted("root", 0), policy()).ok());
    EXPECT_FALSE(check_true(accepted("daemon", 999), policy()).ok());
    auto rejected = accepted("alice", 1001);
    rejected.outcome = auth::Outcome::rejected;
    EXPECT_FALSE(check_true(rejected, policy()).ok());
    auto root_group = accepted("alice", 1001);
    root_group.gid = 0;
    EXPECT_FALSE(check_true(root_group, policy()).ok());
}

TEST(LoginCheck, RefusesMinusOneIdsThatWouldKeepRootsOwn) {
    auto uid = accepted("alice", static_cast<uid_t>(-1));
    uid.gid = 1001;
    EXPECT_FALSE(check_true(uid, policy()).ok());
    auto gid = accepted("alice", 1001);
    gid.gid = static_cast<gid_t>(-1);
    EXPECT_FALSE(check_true(gid, policy()).ok());
}

TEST(LoginCheck, RefusesNamesThatWouldLeaveTheMailDirectory) {
    for (const char* name : {"", ".", "..", "../etc/passwd", "a/b", "a\nb"})
        EXPECT_FALSE(check_true(accepted(name, 1001), policy()).ok()) << name;
    auto relative_home = accepted("alice", 1001);
    relative_home.home = "home/alice";
    EXPECT_FALSE(check_true(relative_home, policy()).ok());
}

// The review's case: pop3d-auth names a real owner but another uid, the
// mail group and a home of its choosing, to read a system account's spool.
TEST(LoginCheck, TheAccountComesFromTheMonitorsLookupNotFromTheVerdict) {
    FakeAccounts db;
    db.add("secrev1", 1062, 1062, "/home/secrev1");
    auto lying = accepted("secrevsys", 1062);
    lying.owner = "secrev1";
    lying.gid = 8;
    lying.home = "/nonexistent";
    EXPECT_FALSE(check_login(lying, policy(), db.lookup()).ok());
    auto wrong_uid = accepted("secrev1", 1063);
    wrong_uid.gid = 1062;
    EXPECT_FALSE(check_login(wrong_uid, policy(), db.lookup()).ok());
    auto wrong_home = accepted("secrev1", 1062);
    wrong_home.home = "/home/other";
    EXPECT_FALSE(check_login(wrong_home, policy(), db.lookup()).ok());
    auto unknown = accepted("nobody-here", 1062);
    EXPECT_FALSE(check_login(unknown, policy(), db.lookup()).ok());
    auto honest = accepted("secrev1", 1062);
    auto login = check_login(honest, policy(), db.lookup());
    ASSERT_TRUE(login.ok()) << login.error().message;
    EXPECT_EQ(login->owner, "secrev1");
    EXPECT_EQ(login->gid, 1062u);
}

TEST(LoginCheck, AFailingLookupRefusesTheLogin) {
    AccountLookup broken = [](const std::string&) -> Result<std::optional<privileges::Account>> {
        return make_error(ErrorKind::temporary, "getpwnam: I/O error");
    };
    EXPECT_FALSE(check_login(accepted("alice", 1001), policy(), broken).ok());
}

TEST(LoginCheck, SingleUserModeServesOnlyItsOwnUid) {
    LoginPolicy p = policy();
    p.single_user = true;
    p.self_uid = 1234;
    EXPECT_TRUE(check_true(accepted("me", 1234), p).ok());
    EXPECT_FALSE(check_true(accepted("other", 1235), p).ok());
    p.self_uid = 500;  // below min_uid is fine for our own account
    EXPECT_TRUE(check_true(accepted("me", 500), p).ok());
}

TEST(LoginCheck, EmptyStateDirTemplateMeansNoStateFile) {
    LoginPolicy p = policy();
    p.state_dir_template.clear();
    auto login = check_true(accepted("alice", 1001), p);
    ASSERT_TRUE(login.ok());
    EXPECT_EQ(login->state_dir, "");
}

}  // namespace
}  // namespace pop3d::session
