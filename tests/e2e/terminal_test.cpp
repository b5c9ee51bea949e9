// Issue 11, item 5: a session started from a shell (here: socat, whose
// stderr is a log file standing in for a terminal) keeps neither the shell's
// session (so no controlling terminal for TIOCSTI) nor its stderr.
#include <gtest/gtest.h>
#include <unistd.h>

#include <sstream>
#include <tuple>
#include <string>
#include <vector>

#include "tests/e2e/accounts.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/superserver.h"

namespace pop3d::e2e {
namespace {


// Field 6 of /proc/PID/stat: the session id.
std::string session_of(pid_t pid) {
    std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
    std::size_t paren = stat.rfind(')');
    if (paren == std::string::npos) return "";
    std::istringstream rest(stat.substr(paren + 1));
    std::string state, ppid, pgrp, session;
    rest >> state >> ppid >> pgrp >> session;
    return session;
}

TEST(Terminal, EverySessionProcessLeavesTheShellsSessionAndStderr) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    std::string why;
    auto accounts = Accounts::create(&why);
    ASSERT_TRUE(accounts) << why;
    const TempDir& dir = accounts->dir();
    std::string config = write_base_config(dir);
    int socat_port = 0;
    auto socat = socat_running(bin_dir() + "/pop3d-session -f " + config, dir.path() + "/socat.log", &socat_port);
    ASSERT_TRUE(socat);
    Client c("127.0.0.1", socat_port);
    ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
    // socat forks a child per connection, which execs pop3d-session.
    pid_t monitor = -1, front = -1;
    std::tie(monitor, front) = find_monitor_and_front(socat->pid());
    ASSERT_GT(front, 0);
    std::string shell_session = session_of(socat->pid());
    // It enters the sandbox after its setup, as the client sees the greeting.
    ASSERT_TRUE(eventually(2000, [&] { return proc_status(front)["NoNewPrivs"] == "1"; }));
    ASSERT_FALSE(shell_session.empty());
    EXPECT_EQ(session_of(monitor), std::to_string(monitor)) << "the monitor leads a session of its own";
    EXPECT_EQ(session_of(front), std::to_string(monitor));
    EXPECT_EQ(fd_target(monitor, 2), "/dev/null");
    EXPECT_EQ(fd_target(front, 2), "/dev/null");
    // After login too (the monitor becomes the session).
    ASSERT_TRUE(accounts->alice().write_maildrop(sample_mbox(1)));
    c.send("USER " + accounts->alice().name() + "\r\nPASS " + alice_password + "\r\n");
    c.line();
    std::string login = c.line();
    ASSERT_EQ(login.rfind("+OK", 0), 0u) << login;
    EXPECT_EQ(session_of(monitor), std::to_string(monitor));
    EXPECT_EQ(fd_target(monitor, 2), "/dev/null");
    c.send("QUIT\r\n");
    c.line();
}

}  // namespace
}  // namespace pop3d::e2e
