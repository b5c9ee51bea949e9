// Issue 11, item 3: what a client that never logs in can cost. The listener
// caps sessions not logged in yet (an address filling the cap keeps nobody
// else out), login_timeout ends a session that keeps sending NOOP, and
// pop3d-auth starts only when credentials arrive.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/accounts.h"
#include "tests/e2e/harness.h"

namespace pop3d::e2e {
namespace {

TEST(Prelogin, AnAddressFillingTheCapKeepsNobodyElseOut) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    Served s = serve("max_prelogin_start = 4\nmax_prelogin = 4\n");
    ASSERT_TRUE(s.ready()) << s.log();
    const int cap_port = s.daemon->port();
    ASSERT_TRUE(s.accounts->alice().write_maildrop(sample_mbox(1)));
    std::vector<std::unique_ptr<Client>> idle;
    for (int i = 0; i < 4; ++i) {
        idle.push_back(std::make_unique<Client>("127.0.0.1", cap_port, "127.0.0.2"));
        ASSERT_EQ(idle.back()->line().rfind("+OK", 0), 0u) << s.daemon->log();
    }
    {
        Client more("127.0.0.1", cap_port, "127.0.0.2");
        std::string refused = more.line();
        EXPECT_EQ(refused.rfind("-ERR [SYS/TEMP]", 0), 0u) << refused;
    }
    auto start = std::chrono::steady_clock::now();
    Client c("127.0.0.1", cap_port, "127.0.0.3");
    ASSERT_EQ(c.line().rfind("+OK", 0), 0u) << s.daemon->log();
    c.send("USER " + s.accounts->alice().name() + "\r\nPASS " + alice_password + "\r\nSTAT\r\nQUIT\r\n");
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
    std::string login = c.line();
    EXPECT_EQ(login.rfind("+OK", 0), 0u) << login << "\n" << s.daemon->log();
    EXPECT_EQ(c.line().rfind("+OK 1 ", 0), 0u);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3)) << s.daemon->log();
    // The oldest idle session of 127.0.0.2 made room.
    EXPECT_TRUE(idle.front()->closed_by_server());
}

TEST(Prelogin, NoopEverySecondDoesNotOutlastLoginTimeout) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    Served s = serve("login_timeout = 3\n");
    ASSERT_TRUE(s.ready()) << s.log();
    const int timeout_port = s.daemon->port();
    Client c("127.0.0.1", timeout_port);
    ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
    auto start = std::chrono::steady_clock::now();
    // NOOP is for TRANSACTION (RFC 1939), so each gets -ERR; it still shows
    // a live client, which resets the autologout but not login_timeout.
    std::string last;
    for (int i = 0; i < 10; ++i) {
        c.send("NOOP\r\n");
        last = c.line();
        if (last != "-ERR command not valid before login") break;
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    auto lasted = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(last, "-ERR no login in time") << "the session outlived login_timeout";
    EXPECT_GE(lasted, std::chrono::milliseconds(2500));
    EXPECT_LT(lasted, std::chrono::milliseconds(5500));
    EXPECT_TRUE(eventually(2000, [&] { return s.daemon->log().find("login_timeout") != std::string::npos; }))
        << s.daemon->log();
}

TEST(Prelogin, PopAuthStartsWithTheFirstCredentialsNotAtConnect) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    Served s = serve("");
    ASSERT_TRUE(s.ready()) << s.log();
    const int timeout_port = s.daemon->port();
    Client c("127.0.0.1", timeout_port);
    ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
    std::vector<pid_t> monitors;
    ASSERT_TRUE(eventually(2000, [&] { return (monitors = children_of(s.daemon->pid())).size() == 1; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    std::vector<pid_t> helpers = children_of(monitors[0]);
    ASSERT_EQ(helpers.size(), 1u) << "only the front before any credentials";
    EXPECT_EQ(proc_name(helpers[0]), "pop3d-session");
    c.send("USER " + s.accounts->alice().name() + "\r\nPASS wrong\r\n");
    c.line();
    EXPECT_EQ(c.line().rfind("-ERR", 0), 0u);
    bool auth = false;
    for (pid_t pid : children_of(monitors[0])) auth = auth || proc_name(pid) == "pop3d-auth";
    EXPECT_TRUE(auth);
}

}  // namespace
}  // namespace pop3d::e2e
