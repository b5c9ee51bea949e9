// A real pop3d-auth, started by AuthHelper as the monitor starts it.
#include "sessiond/auth_helper.h"

#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sodium.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/support/built_program.h"
#include "tests/support/proc_status.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_user.h"

namespace pop3d::auth {
namespace {

const std::string program = testing::built_program("pop3d-auth");

using pop3d::testing::proc_status;

AuthRequest pass(const std::string& user, const std::string& pw) {
    AuthRequest r;
    r.mechanism = Mechanism::user_pass;
    r.user = user;
    r.password.assign(pw);
    r.client = "127.0.0.1";
    return r;
}

class AuthHelperTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (geteuid() != 0) GTEST_SKIP() << "needs root";
        ASSERT_EQ(access(program.c_str(), X_OK), 0) << program << " is not built";
        ASSERT_EQ(testing::run_command("etc/postinst.sh"), 0);
        ASSERT_TRUE(dir.ok());
        std::string why;
        user = testing::TestUser::create("p3a-helper", "s3cret pass", &why);
        ASSERT_TRUE(user) << why;
    }
    std::string write_config(unsigned failure_delay) {
        return dir.write("pop3d.conf",
                         "[auth]\nbackends = shadow passwd-file\nusers_file = " + dir.file("users") +
                             "\napop_file = " + dir.file("apop") + "\nmin_uid = 1000\nfailure_delay = " +
                             std::to_string(failure_delay) + "\n",
                         0644);
    }
    testing::TempDir dir{0755};  // pop3d-auth reads the files after it drops root
    std::unique_ptr<testing::TestUser> user;
};

TEST_F(AuthHelperTest, RunsUnprivilegedAndAnswersShadowLogins) {
    auto helper = AuthHelper::start(write_config(0), program);
    ASSERT_TRUE(helper.ok()) << helper.error().message;

    auto ok = (*helper)->verify(pass(user->name(), "s3cret pass"));
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    ASSERT_TRUE(ok->accepted());
    EXPECT_EQ(ok->user, user->name());
    EXPECT_EQ(ok->owner, user->name());
    EXPECT_EQ(ok->uid, user->uid());
    EXPECT_EQ(ok->gid, user->gid());
    EXPECT_EQ(ok->home, user->home());

    auto wrong = (*helper)->verify(pass(user->name(), "s3cret pasS"));
    auto unknown = (*helper)->verify(pass(user->name() + "-unknown", "s3cret pass"));
    ASSERT_TRUE(wrong.ok() && unknown.ok());
    EXPECT_EQ(wrong->outcome, Outcome::rejected);
    EXPECT_EQ(unknown->outcome, Outcome::rejected);
    EXPECT_EQ(wrong->user, unknown->user);
    EXPECT_EQ(wrong->owner, unknown->owner);
    EXPECT_EQ(wrong->uid, unknown->uid);
    EXPECT_EQ(wrong->gid, unknown->gid);
    EXPECT_EQ(wrong->home, unknown->home);

    // Having answered, it has long dropped everything.
    struct passwd* pw = getpwnam("pop3d-auth");
    struct group* shadow = getgrnam("shadow");
    ASSERT_TRUE(pw && shadow);
    std::string uid = std::to_string(pw->pw_uid), gid = std::to_string(pw->pw_gid);
    auto st = proc_status((*helper)->pid());
    EXPECT_EQ(st["Uid"], uid + "\t" + uid + "\t" + uid + "\t" + uid);
    EXPECT_EQ(st["Gid"], gid + "\t" + gid + "\t" + gid + "\t" + gid);
    EXPECT_EQ(st["Groups"], std::to_string(shadow->gr_gid));
    EXPECT_EQ(st["CapPrm"], "0000000000000000");
    EXPECT_EQ(st["CapEff"], "0000000000000000");
    EXPECT_EQ(st["CapInh"], "0000000000000000");
    EXPECT_EQ(st["NoNewPrivs"], "1");
    EXPECT_EQ(st["Seccomp"], "2");  // the allow-list filter is in force
}

// Files made by pop3d-passwd as root are readable by pop3d-auth after it
// drops root: the ownership story of both tools holds together.
TEST_F(AuthHelperTest, ReadsTheFilesPop3dPasswdWrites) {
    std::string conf = write_config(0);
    std::string tool = testing::built_program("pop3d-passwd") + " -f " + conf + " --stdin ";
    ASSERT_EQ(testing::run_command("echo 'file pass' | " + tool + "--owner nobody add virtual"), 0);
    ASSERT_EQ(testing::run_command("echo tanstaaf | " + tool + "--apop add mrose"), 0);
    ASSERT_EQ(testing::run_command("echo 'mrose pass' | " + tool + "--owner nobody add mrose"), 0);
    auto helper = AuthHelper::start(conf, program);
    ASSERT_TRUE(helper.ok()) << helper.error().message;

    auto v = (*helper)->verify(pass("virtual", "file pass"));
    ASSERT_TRUE(v.ok()) << v.error().message;
    ASSERT_TRUE(v->accepted()) << static_cast<int>(v->outcome);
    EXPECT_EQ(v->owner, "nobody");

    AuthRequest a;
    a.mechanism = Mechanism::apop;
    a.user = "mrose";
    a.apop_timestamp = "<1896.697170952@dbc.mtview.ca.us>";
    a.apop_digest = "c4c9334bac560ecc979e58001b3e22fb";
    auto apop = (*helper)->verify(a);
    ASSERT_TRUE(apop.ok()) << apop.error().message;
    EXPECT_TRUE(apop->accepted()) << static_cast<int>(apop->outcome);
    // RFC 1939 section 13: not with PASS, though the password is right.
    auto refused = (*helper)->verify(pass("mrose", "mrose pass"));
    ASSERT_TRUE(refused.ok());
    EXPECT_EQ(refused->outcome, Outcome::rejected);
}

// failure_delay is the monitor's (sessiond/attempt_deadline.h): it holds
// every failure until its attempt's deadline, including those pop3d-auth
// never sees. pop3d-auth answers as soon as it knows.
TEST_F(AuthHelperTest, AFailureIsAnsweredAtOnceTheMonitorHoldsIt) {
    auto helper = AuthHelper::start(write_config(1), program);
    ASSERT_TRUE(helper.ok()) << helper.error().message;
    auto start = std::chrono::steady_clock::now();
    auto v = (*helper)->verify(pass(user->name(), "wrong"));
    auto took = std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->outcome, Outcome::rejected);
    EXPECT_LT(took, std::chrono::seconds(1));
}

TEST_F(AuthHelperTest, MissingProgramIsAnError) {
    auto helper = AuthHelper::start(write_config(0), "/nonexistent/pop3d-auth");
    ASSERT_FALSE(helper.ok());
    EXPECT_EQ(helper.error().kind, ErrorKind::temporary);
}

TEST_F(AuthHelperTest, BadConfigurationMeansNoVerdict) {
    std::string bad = dir.write("bad.conf", "[auth]\nno_such_key = 1\n", 0644);
    auto helper = AuthHelper::start(bad, program);
    ASSERT_TRUE(helper.ok()) << helper.error().message;  // exec worked; the helper then gives up
    auto v = (*helper)->verify(pass(user->name(), "s3cret pass"));
    EXPECT_FALSE(v.ok());
    EXPECT_FALSE((*helper)->verify(pass(user->name(), "s3cret pass")).ok());
}

// pop3d-auth's standard descriptors are /dev/null and only its socket is on
// descriptor 3, whatever descriptors the monitor happened to have free: with
// descriptor 3 free, the socketpair's monitor end lands there, is closed in
// the child, and /dev/null must not be opened into that gap (the dup2 onto
// helper_fd would then replace it, and 0-2 would become the socket).
TEST_F(AuthHelperTest, StandardDescriptorsAreDevNullWhenDescriptorThreeIsFree) {
    std::string fds = dir.file("fds");
    std::string script = dir.write("fake-auth",
                                   "#!/bin/sh\n"
                                   "a=$(/bin/readlink /proc/$$/fd/0)\n"
                                   "b=$(/bin/readlink /proc/$$/fd/1)\n"
                                   "c=$(/bin/readlink /proc/$$/fd/2)\n"
                                   "d=$(/bin/readlink /proc/$$/fd/3)\n"
                                   "printf '%s\\n' \"$a\" \"$b\" \"$c\" \"$d\" > " + fds + "\n",
                                   0755);
    int saved = fcntl(3, F_DUPFD_CLOEXEC, 100);  // -1 when 3 was free already
    if (saved >= 0) close(3);
    {
        auto helper = AuthHelper::start(write_config(0), script);
        ASSERT_TRUE(helper.ok()) << helper.error().message;
    }  // the destructor waits for the script to exit
    if (saved >= 0) {
        dup2(saved, 3);
        close(saved);
    }
    std::ifstream in(fds);
    std::string line;
    for (int fd = 0; fd <= 2; ++fd) {
        ASSERT_TRUE(std::getline(in, line)) << "no line for descriptor " << fd;
        EXPECT_EQ(line, "/dev/null") << "descriptor " << fd;
    }
    ASSERT_TRUE(std::getline(in, line));
    EXPECT_EQ(line.rfind("socket:", 0), 0u) << line;
}

}  // namespace
}  // namespace pop3d::auth
