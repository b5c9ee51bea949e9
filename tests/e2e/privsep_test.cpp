// Who each process of a live session is: read from /proc while a client is
// connected, before and after login.
#include <gtest/gtest.h>

#include "tests/e2e/accounts.h"
#include "tests/e2e/harness.h"

namespace pop3d::e2e {
namespace {

constexpr int port = 11110;

std::string first_id(const std::string& ids) { return ids.substr(0, ids.find('\t')); }

std::string uid_of(const char* name) {
    int status = 0;
    std::string out = shell(std::string("id -u ") + name, &status);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

class Privsep : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        std::string why;
        accounts_ = Accounts::create(&why).release();
        if (!accounts_) return;
        std::string dir = accounts_->dir().path();
        daemon_ = new Daemon(accounts_->dir().write("pop3d.conf", base_config(dir, port)), dir + "/pop3d.log");
    }
    static void TearDownTestSuite() {
        delete daemon_;
        delete accounts_;
        daemon_ = nullptr;
        accounts_ = nullptr;
    }
    void SetUp() override {
        if (!accounts_) GTEST_SKIP() << "needs root to create Unix test users";
        ASSERT_TRUE(daemon_->ready()) << daemon_->log();
    }

    // The one session the listener runs.
    pid_t session() {
        std::vector<pid_t> sessions;
        eventually(2000, [&] {
            sessions = children_of(daemon_->pid());
            return sessions.size() == 1;
        });
        return sessions.size() == 1 ? sessions[0] : -1;
    }

    static Accounts* accounts_;
    static Daemon* daemon_;
};
Accounts* Privsep::accounts_ = nullptr;
Daemon* Privsep::daemon_ = nullptr;

TEST_F(Privsep, TheListenerKeepsOnlyTheCapabilitiesSessionsNeed) {
    auto st = proc_status(daemon_->pid());
    // CAP_SETGID (6), CAP_SETUID (7), CAP_NET_BIND_SERVICE (10), CAP_SYS_CHROOT (18).
    EXPECT_EQ(st["CapBnd"], "00000000000404c0");
    EXPECT_EQ(st["CapEff"], "00000000000404c0");
    EXPECT_EQ(first_id(st["Uid"]), "0");
}

TEST_F(Privsep, FrontAndAuthHelperRunUnprivilegedThenTheSessionAsTheOwner) {
    ASSERT_TRUE(accounts_->alice().write_maildrop(sample_mbox(1)));
    Client c("127.0.0.1", port);
    ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
    pid_t monitor = session();
    ASSERT_GT(monitor, 0);
    std::vector<pid_t> helpers;
    ASSERT_TRUE(eventually(2000, [&] {
        helpers = children_of(monitor);
        return helpers.size() == 2;
    }));
    int fronts = 0, auths = 0;
    for (pid_t pid : helpers) {
        auto st = proc_status(pid);
        if (proc_name(pid) == "pop3d-auth") {
            ++auths;
            EXPECT_EQ(first_id(st["Uid"]), uid_of("pop3d-auth"));
            EXPECT_EQ(st["CapEff"], "0000000000000000");
            EXPECT_EQ(st["CapPrm"], "0000000000000000");
            EXPECT_EQ(st["NoNewPrivs"], "1");
        } else {
            ++fronts;
            EXPECT_EQ(proc_name(pid), "pop3d-session");
            EXPECT_EQ(first_id(st["Uid"]), uid_of("pop3d"));
            EXPECT_EQ(proc_root(pid), "/var/lib/pop3d/empty");
            EXPECT_EQ(st["CapPrm"], "0000000000000000");
            EXPECT_EQ(st["CapEff"], "0000000000000000");
            EXPECT_EQ(st["NoNewPrivs"], "1");
            EXPECT_EQ(st["Groups"], "");
        }
    }
    EXPECT_EQ(fronts, 1);
    EXPECT_EQ(auths, 1);

    c.send(std::string("USER p3s-alice\r\nPASS ") + alice_password + "\r\n");
    c.line();
    ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
    EXPECT_TRUE(eventually(2000, [&] { return children_of(monitor).empty(); }));
    auto st = proc_status(monitor);
    EXPECT_EQ(st["Uid"], std::to_string(accounts_->alice().uid()) + "\t" + std::to_string(accounts_->alice().uid()) +
                             "\t" + std::to_string(accounts_->alice().uid()) + "\t" +
                             std::to_string(accounts_->alice().uid()));
    EXPECT_EQ(first_id(st["Gid"]), std::to_string(accounts_->alice().gid()));
    EXPECT_EQ(st["CapPrm"], "0000000000000000");
    EXPECT_EQ(st["CapEff"], "0000000000000000");
    EXPECT_EQ(st["NoNewPrivs"], "1");
    c.send("QUIT\r\n");
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
}

}  // namespace
}  // namespace pop3d::e2e
