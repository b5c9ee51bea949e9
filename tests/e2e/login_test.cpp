// Logins through the whole chain (pop3d -> pop3d-session -> front, monitor,
// pop3d-auth) with real accounts and real mbox files.
#include <gtest/gtest.h>

#include "tests/e2e/accounts.h"
#include "tests/e2e/harness.h"

namespace pop3d::e2e {
namespace {

constexpr int port = 11100;

class Login : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        std::string why;
        accounts_ = Accounts::create(&why).release();
        if (!accounts_) return;
        std::string dir = accounts_->dir().path();
        std::string config = accounts_->dir().write("pop3d.conf", base_config(dir, port, "[auth]\nmax_attempts = 3\n"));
        daemon_ = new Daemon(config, dir + "/pop3d.log");
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

    static Accounts* accounts_;
    static Daemon* daemon_;
};
Accounts* Login::accounts_ = nullptr;
Daemon* Login::daemon_ = nullptr;

TEST_F(Login, ShadowUserRetrievesAndDeletesMail) {
    ASSERT_TRUE(accounts_->alice().write_maildrop(sample_mbox(2)));
    Client c("127.0.0.1", port);
    EXPECT_EQ(c.line().rfind("+OK ", 0), 0u);
    c.send("USER p3s-alice\r\n");
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
    c.send(std::string("PASS ") + alice_password + "\r\n");
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
    c.send("RETR 1\r\n");
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
    auto body = c.multiline();
    ASSERT_GE(body.size(), 3u);
    EXPECT_EQ(body[2], "Subject: message number 1");
    EXPECT_EQ(body.back(), "..a line starting with a dot");
    c.send("DELE 1\r\nQUIT\r\n");
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
    EXPECT_TRUE(c.closed_by_server());
    EXPECT_TRUE(eventually(2000, [] { return accounts_->alice().read_maildrop() == sample_mbox(2).substr(sample_mbox(1).size()); }));
}

TEST_F(Login, PasswdFileUserReadsTheMailboxItsOwnerOwns) {
    ASSERT_TRUE(accounts_->write_virt_maildrop(sample_mbox(3)));
    Client c("127.0.0.1", port);
    c.line();
    c.send(std::string("USER p3s-virt\r\nPASS ") + virt_password + "\r\nSTAT\r\nQUIT\r\n");
    EXPECT_EQ(c.line(), "+OK send PASS");
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
    std::string stat = c.line();
    EXPECT_EQ(stat.rfind("+OK 3 ", 0), 0u) << stat;
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
}

TEST_F(Login, ApopWithTheRfcExampleSecret) {
    ASSERT_TRUE(accounts_->bob().write_maildrop(sample_mbox(1)));
    Client c("127.0.0.1", port);
    std::string greeting = c.line();
    std::string timestamp = greeting_timestamp(greeting);
    ASSERT_FALSE(timestamp.empty()) << greeting;
    c.send("APOP p3s-bob " + apop_digest(timestamp, bob_apop_secret) + "\r\nSTAT\r\nQUIT\r\n");
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
    EXPECT_EQ(c.line().rfind("+OK 1 ", 0), 0u);
}

TEST_F(Login, ApopDigestForAnotherTimestampIsRefused) {
    Client c("127.0.0.1", port);
    c.line();
    c.send("APOP p3s-bob " + apop_digest("<1.2@elsewhere>", bob_apop_secret) + "\r\n");
    EXPECT_EQ(c.line().rfind("-ERR", 0), 0u);
}

TEST_F(Login, AuthPlainWithInitialResponseAndContinuation) {
    ASSERT_TRUE(accounts_->alice().write_maildrop(sample_mbox(1)));
    {
        Client c("127.0.0.1", port);
        c.line();
        c.send("AUTH PLAIN " + sasl_plain("p3s-alice", alice_password) + "\r\nSTAT\r\nQUIT\r\n");
        EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
        EXPECT_EQ(c.line().rfind("+OK 1 ", 0), 0u);
    }
    Client c("127.0.0.1", port);
    c.line();
    c.send("AUTH PLAIN\r\n");
    EXPECT_EQ(c.line().rfind("+ ", 0), 0u);
    c.send(sasl_plain("p3s-alice", alice_password) + "\r\nQUIT\r\n");
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
}

TEST_F(Login, WrongPasswordAndUnknownUserGetTheSameReply) {
    Client c("127.0.0.1", port);
    c.line();
    c.send("USER p3s-alice\r\nPASS not-the-password\r\n");
    c.line();
    std::string wrong = c.line();
    c.send("USER p3s-nobody-here\r\nPASS not-the-password\r\n");
    std::string user_reply = c.line();
    std::string unknown = c.line();
    EXPECT_EQ(user_reply, "+OK send PASS");
    EXPECT_EQ(wrong.rfind("-ERR", 0), 0u);
    EXPECT_EQ(wrong, unknown);
    EXPECT_TRUE(eventually(2000, [] {
        return daemon_->log().find("login failed for user \"p3s-nobody-here\" from 127.0.0.1 with USER/PASS") !=
               std::string::npos;
    })) << daemon_->log();
}

TEST_F(Login, MaxAttemptsClosesTheConnection) {
    Client c("127.0.0.1", port);
    c.line();
    for (int i = 0; i < 3; ++i) {
        c.send("USER p3s-alice\r\nPASS wrong\r\n");
        EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
        EXPECT_EQ(c.line().rfind("-ERR", 0), 0u);
    }
    EXPECT_TRUE(c.closed_by_server());
}

TEST_F(Login, PipelinedLoginAndCommandsInOneWriteAreAllAnswered) {
    ASSERT_TRUE(accounts_->alice().write_maildrop(sample_mbox(2)));
    Client c("127.0.0.1", port);
    c.line();
    c.send(std::string("USER p3s-alice\r\nPASS ") + alice_password + "\r\nSTAT\r\nLIST\r\nQUIT\r\n");
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);                  // USER
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);                  // PASS
    EXPECT_EQ(c.line().rfind("+OK 2 ", 0), 0u);               // STAT
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);                  // LIST
    EXPECT_EQ(c.multiline().size(), 2u);
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);                  // QUIT
    EXPECT_TRUE(c.closed_by_server());
}

TEST_F(Login, StlsIsRefusedWhileTlsIsNotBuilt) {
    Client c("127.0.0.1", port);
    c.line();
    c.send("STLS\r\n");
    EXPECT_EQ(c.line().rfind("-ERR", 0), 0u);
}

TEST_F(Login, EverySessionLeavesOneSummaryLine) {
    {
        Client c("127.0.0.1", port);
        c.line();
        c.send("QUIT\r\n");
        c.line();
    }
    EXPECT_TRUE(eventually(2000, [] {
        return daemon_->log().find("user=\"-\" client=127.0.0.1 tls=no") != std::string::npos;
    })) << daemon_->log();
}

}  // namespace
}  // namespace pop3d::e2e
