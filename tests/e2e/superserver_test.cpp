// pop3d-session without the listener: started by a real inetd
// (openbsd-inetd, Debian's package, with its own configuration file) and by
// socat EXEC:, the connection on stdin/stdout either way.
#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/accounts.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/superserver.h"

namespace pop3d::e2e {
namespace {

class Superserver : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        accounts_ = Accounts::create(&why_).release();
    }
    static void TearDownTestSuite() {
        delete accounts_;
        accounts_ = nullptr;
    }
    void SetUp() override {
        if (!accounts_) {
            // As root the accounts must be made; only without root is it a skip.
            if (geteuid() == 0) FAIL() << "cannot create the test accounts: " << why_;
            GTEST_SKIP() << why_;
        }
        ASSERT_TRUE(accounts_->alice().write_maildrop(sample_mbox(2)));
        config_ = write_base_config(accounts_->dir());
    }

    // Logs in, retrieves message 1, deletes it and quits.
    static void retrieve_and_delete(int port) {
        Client c("127.0.0.1", port);
        ASSERT_TRUE(c.connected());
        std::string greeting = c.line();
        ASSERT_EQ(greeting.rfind("+OK", 0), 0u) << greeting;
        c.send("USER " + accounts_->alice().name() + "\r\nPASS " + alice_password + "\r\nRETR 1\r\n");
        EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
        EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
        EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
        auto lines = c.multiline();
        ASSERT_GE(lines.size(), 3u);
        EXPECT_EQ(lines[2], "Subject: message number 1");
        c.send("DELE 1\r\nQUIT\r\n");
        EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
        EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
        EXPECT_TRUE(c.closed_by_server());
        EXPECT_TRUE(eventually(2000, [] {
            return accounts_->alice().read_maildrop() == sample_mbox(2).substr(sample_mbox(1).size());
        }));
    }

    static Accounts* accounts_;
    static std::string why_;
    std::string config_;
};
Accounts* Superserver::accounts_ = nullptr;
std::string Superserver::why_;

// socat running pop3d-session with `config` per connection.
std::unique_ptr<Process> socat_with(const std::string& config, const std::string& log, int* port) {
    return socat_running(bin_dir() + "/pop3d-session -f " + config, log, port);
}

TEST_F(Superserver, OpenbsdInetd) {
    int inetd_port = 0;
    auto inetd = inetd_running(accounts_->dir(), "inetd", bin_dir() + "/pop3d-session -f " + config_, &inetd_port);
    ASSERT_TRUE(inetd);
    {
        // Until login the monitor is root, but with only what it needs: the
        // bounding set and its own sets hold CAP_CHOWN, CAP_KILL, CAP_SETGID,
        // CAP_SETUID, CAP_SETPCAP and CAP_SYS_CHROOT, not inetd's everything.
        Client c("127.0.0.1", inetd_port);
        ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
        std::vector<pid_t> monitors;
        ASSERT_TRUE(eventually(2000, [&] {
            monitors.clear();
            for (pid_t pid : children_of(inetd->pid()))
                if (proc_status(pid)["Name"] == "pop3d-session") monitors.push_back(pid);
            return monitors.size() == 1;
        }));
        auto st = proc_status(monitors[0]);
        EXPECT_EQ(st["Uid"].substr(0, 1), "0");
        EXPECT_EQ(st["CapBnd"], "00000000000401e1");
        EXPECT_EQ(st["CapPrm"], "00000000000401e1");
        EXPECT_EQ(st["CapEff"], "00000000000401e1");
    }
    retrieve_and_delete(inetd_port);
}

TEST_F(Superserver, SocatExec) {
    int port = 0;
    auto socat = socat_with(config_, accounts_->dir().path() + "/socat.log", &port);
    ASSERT_TRUE(socat);
    retrieve_and_delete(port);
}

// With require_tls and a key that cannot be used (a temporary failure for
// that session: no STLS), no password is taken in the clear.
TEST_F(Superserver, RequireTlsTakesNoPasswordInTheClear) {
    std::string cert = accounts_->dir().write("cert.pem", "not used\n");
    std::string key = accounts_->dir().write("key.pem", "not used\n", 0600);
    std::string strict = accounts_->dir().write(
        "strict.conf", base_config(accounts_->dir().path(),
                                   "[tls]\ncert = " + cert + "\nkey = " + key + "\nrequire_tls = yes\n"));
    int port = 0;
    auto socat = socat_with(strict, accounts_->dir().path() + "/socat-strict.log", &port);
    ASSERT_TRUE(socat);
    Client c("127.0.0.1", port);
    ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
    c.send("USER " + accounts_->alice().name() + "\r\nPASS " + alice_password + "\r\nSTLS\r\n");
    EXPECT_EQ(c.line().rfind("-ERR [AUTH] ", 0), 0u);
    EXPECT_EQ(c.line().rfind("-ERR", 0), 0u);
    EXPECT_EQ(c.line(), "-ERR TLS is not available");
}

}  // namespace
}  // namespace pop3d::e2e
