// Logins through the whole chain (pop3d -> pop3d-session -> front, monitor,
// pop3d-auth) with real accounts and real mbox files.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include "tests/e2e/accounts.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/served_suite.h"

namespace pop3d::e2e {
namespace {

class Login : public ServedSuite<Login> {
protected:
    static void SetUpTestSuite() { start_server("[auth]\nmax_attempts = 3\n"); }
};

TEST_F(Login, ShadowUserRetrievesAndDeletesMail) {
    ASSERT_TRUE(accounts_->alice().write_maildrop(sample_mbox(2)));
    Client c("127.0.0.1", port());
    EXPECT_EQ(c.line().rfind("+OK ", 0), 0u);
    c.send("USER " + accounts_->alice().name() + "\r\n");
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
    // The mbox engine only notes the deletion; the session logs it, once
    // (sessiond/mbox_notes.cpp).
    const std::string deleted = "mbox: " + accounts_->alice().maildrop() + ": 1 message(s) deleted";
    auto logged = [&] {
        const std::string log = daemon_->log();
        std::size_t n = 0;
        for (std::size_t at = log.find(deleted); at != std::string::npos; at = log.find(deleted, at + 1)) ++n;
        return n;
    };
    EXPECT_TRUE(eventually(2000, [&] { return logged() == 1; })) << daemon_->log();
}

TEST_F(Login, PasswdFileUserReadsTheMailboxItsOwnerOwns) {
    ASSERT_TRUE(accounts_->write_virt_maildrop(sample_mbox(3)));
    Client c("127.0.0.1", port());
    c.line();
    c.send("USER " + accounts_->virt_name() + "\r\nPASS " + virt_password + "\r\nSTAT\r\nQUIT\r\n");
    EXPECT_EQ(c.line(), "+OK send PASS");
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
    std::string stat = c.line();
    EXPECT_EQ(stat.rfind("+OK 3 ", 0), 0u) << stat;
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
}

TEST_F(Login, ApopWithTheRfcExampleSecret) {
    ASSERT_TRUE(accounts_->bob().write_maildrop(sample_mbox(1)));
    Client c("127.0.0.1", port());
    std::string greeting = c.line();
    std::string timestamp = greeting_timestamp(greeting);
    ASSERT_FALSE(timestamp.empty()) << greeting;
    c.send("APOP " + accounts_->bob().name() + " " + apop_digest(timestamp, bob_apop_secret) + "\r\nSTAT\r\nQUIT\r\n");
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
    EXPECT_EQ(c.line().rfind("+OK 1 ", 0), 0u);
}

TEST_F(Login, ApopDigestForAnotherTimestampIsRefused) {
    Client c("127.0.0.1", port());
    c.line();
    c.send("APOP " + accounts_->bob().name() + " " + apop_digest("<1.2@elsewhere>", bob_apop_secret) + "\r\n");
    EXPECT_EQ(c.line().rfind("-ERR", 0), 0u);
}

TEST_F(Login, AuthPlainWithInitialResponseAndContinuation) {
    ASSERT_TRUE(accounts_->alice().write_maildrop(sample_mbox(1)));
    {
        Client c("127.0.0.1", port());
        c.line();
        c.send("AUTH PLAIN " + sasl_plain(accounts_->alice().name(), alice_password) + "\r\nSTAT\r\nQUIT\r\n");
        EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
        EXPECT_EQ(c.line().rfind("+OK 1 ", 0), 0u);
    }
    Client c("127.0.0.1", port());
    c.line();
    c.send("AUTH PLAIN\r\n");
    EXPECT_EQ(c.line().rfind("+ ", 0), 0u);
    c.send(sasl_plain(accounts_->alice().name(), alice_password) + "\r\nQUIT\r\n");
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
}

// RFC 5034 section 4: the response after "+ " is not bound by the 255-octet
// command line limit; RFC 4616 allows 255-octet passwords.
TEST_F(Login, AuthPlainContinuationLongerThanACommandLineReachesTheCheck) {
    Client c("127.0.0.1", port());
    c.line();
    c.send("AUTH PLAIN\r\n");
    EXPECT_EQ(c.line().rfind("+ ", 0), 0u);
    std::string response = sasl_plain(accounts_->alice().name(), std::string(200, 'x'));
    ASSERT_GT(response.size(), 255u);
    c.send(response + "\r\n");
    std::string reply = c.line();
    EXPECT_EQ(reply.rfind("-ERR [AUTH]", 0), 0u) << reply;
}

TEST_F(Login, WrongPasswordAndUnknownUserGetTheSameReply) {
    Client c("127.0.0.1", port());
    c.line();
    c.send("USER " + accounts_->alice().name() + "\r\nPASS not-the-password\r\n");
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
    Client c("127.0.0.1", port());
    c.line();
    for (int i = 0; i < 3; ++i) {
        c.send("USER " + accounts_->alice().name() + "\r\nPASS wrong\r\n");
        EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
        EXPECT_EQ(c.line().rfind("-ERR", 0), 0u);
    }
    EXPECT_TRUE(c.closed_by_server());
}

TEST_F(Login, PipelinedLoginAndCommandsInOneWriteAreAllAnswered) {
    ASSERT_TRUE(accounts_->alice().write_maildrop(sample_mbox(2)));
    Client c("127.0.0.1", port());
    c.line();
    c.send("USER " + accounts_->alice().name() + "\r\nPASS " + alice_password + "\r\nSTAT\r\nLIST\r\nQUIT\r\n");
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);                  // USER
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);                  // PASS
    EXPECT_EQ(c.line().rfind("+OK 2 ", 0), 0u);               // STAT
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);                  // LIST
    EXPECT_EQ(c.multiline().size(), 2u);
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);                  // QUIT
    EXPECT_TRUE(c.closed_by_server());
}

// Without [tls], STLS is -ERR (and CAPA does not announce it).
TEST_F(Login, StlsIsRefusedWhereTlsIsNotConfigured) {
    Client c("127.0.0.1", port());
    c.line();
    c.send("STLS\r\n");
    EXPECT_EQ(c.line().rfind("-ERR", 0), 0u);
}

TEST_F(Login, EverySessionLeavesOneSummaryLine) {
    {
        Client c("127.0.0.1", port());
        c.line();
        c.send("QUIT\r\n");
        c.line();
    }
    EXPECT_TRUE(eventually(2000, [] {
        return daemon_->log().find("user=\"-\" client=127.0.0.1 tls=no") != std::string::npos;
    })) << daemon_->log();
}

TEST_F(Login, AnAccountWithoutAHomeCanStillDeleteFromTheMiddle) {
    std::string why;
    auto user = testing::TestUser::create("p3s-nohome", "nohome-pw-3", &why);
    ASSERT_TRUE(user) << why;
    ASSERT_EQ(testing::run_command("rm -rf '" + user->home() + "'"), 0);
    ASSERT_TRUE(user->write_maildrop(sample_mbox(3)));
    {
        Client c("127.0.0.1", port());
        c.line();
        c.send("USER " + user->name() + "\r\nPASS nohome-pw-3\r\nDELE 1\r\nQUIT\r\n");
        EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
        std::string login = c.line();
        EXPECT_EQ(login.rfind("+OK", 0), 0u) << login << "\n" << daemon_->log();
        EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
        std::string quit = c.line();
        EXPECT_EQ(quit.rfind("+OK", 0), 0u) << quit << "\n" << daemon_->log();
        EXPECT_TRUE(c.closed_by_server());
    }
    EXPECT_EQ(user->read_maildrop(), sample_mbox(3).substr(sample_mbox(1).size()));
    EXPECT_EQ(testing::run_command("find /var/lib/pop3d/state -mindepth 1 -maxdepth 1 -user " + user->name() + " "
                                   "-exec rm -rf {} +"),
              0);
}

TEST_F(Login, AfterABrokenReloadSessionsAndPop3dAuthKeepTheValidatedConfiguration) {
    ASSERT_TRUE(accounts_->alice().write_maildrop(sample_mbox(1)));
    accounts_->dir().write("pop3d.conf", "[auth]\nbackends = nonsense\n");
    ASSERT_EQ(kill(daemon_->pid(), SIGHUP), 0);
    EXPECT_TRUE(eventually(3000, [] { return daemon_->log().find("keeping the old configuration") != std::string::npos; }));
    {
        Client c("127.0.0.1", port());
        c.line();
        c.send("USER " + accounts_->alice().name() + "\r\nPASS " + alice_password + "\r\nSTAT\r\nQUIT\r\n");
        EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
        EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
        EXPECT_EQ(c.line().rfind("+OK 1 ", 0), 0u);
    }
    accounts_->dir().write("pop3d.conf", config_text_);
}

}  // namespace
}  // namespace pop3d::e2e
