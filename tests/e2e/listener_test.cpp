// The listener's life: daemon mode and its pid file, SIGHUP with a broken
// file, SIGTERM leaving sessions to finish. What it refuses at start is in
// config_refusal_test.cpp.
#include <gtest/gtest.h>
#include <signal.h>
#include <sysexits.h>
#include <unistd.h>

#include <map>
#include <string>

#include "tests/e2e/accounts.h"
#include "tests/e2e/harness.h"

namespace pop3d::e2e {
namespace {

// Whatever started the listener may have left descriptors open (here
// /etc/shadow on fd 7); none of them may reach a session, which later runs
// as a mail user.
TEST(Listener, ClosesDescriptorsItInherited) {
    if (!run_postinst()) GTEST_SKIP() << "needs root";
    TempDir dir;
    std::string config = write_base_config(dir);
    int status = 0;
    std::string out = shell("exec 7</etc/shadow; " + bin_dir() + "/pop3d -f " + config, &status);
    ASSERT_EQ(status, 0) << out;
    pid_t pid = std::atoi(read_file(dir.path() + "/pop3d.pid").c_str());
    ASSERT_GT(pid, 1);
    // Not "fd 7 is closed": the listener may be opening something of its
    // own under that number right now (its log socket, /etc/localtime).
    const std::map<std::string, std::string> fds = descriptors_of(pid);
    ASSERT_FALSE(fds.empty()) << "cannot list the descriptors of pid " << pid;
    for (const auto& [fd, target] : fds) EXPECT_NE(target, "/etc/shadow") << "fd " << fd;
    ASSERT_EQ(kill(pid, SIGTERM), 0);
    EXPECT_TRUE(eventually(3000, [&] { return kill(pid, 0) != 0; }));
}

TEST(Listener, DaemonModeWritesThePidFileAndSigtermLeavesSessionsRunning) {
    if (!run_postinst()) GTEST_SKIP() << "needs root";
    TempDir dir;
    std::string config = write_base_config(dir);
    int status = 0;
    std::string out = shell(bin_dir() + "/pop3d -f " + config, &status);
    ASSERT_EQ(status, 0) << out;
    std::string pid_file = dir.path() + "/pop3d.pid";
    pid_t pid = std::atoi(read_file(pid_file).c_str());
    ASSERT_GT(pid, 1);
    EXPECT_EQ(proc_name(pid), "pop3d");
    const int port = listening_port(pid);
    ASSERT_NE(port, 0);

    Client c("127.0.0.1", port);
    ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
    ASSERT_EQ(kill(pid, SIGTERM), 0);
    EXPECT_TRUE(eventually(3000, [&] { return access(pid_file.c_str(), F_OK) != 0 && kill(pid, 0) != 0; }));
    Client late("127.0.0.1", port);
    EXPECT_FALSE(late.connected());
    // The session started before SIGTERM still answers.
    c.send("NOOP\r\nQUIT\r\n");
    EXPECT_EQ(c.line().rfind("-ERR", 0), 0u);  // NOOP is not valid before login
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
}

TEST(Listener, SighupWithABrokenFileKeepsTheOldConfiguration) {
    if (!run_postinst()) GTEST_SKIP() << "needs root";
    TempDir dir;
    std::string config = write_base_config(dir, "[server]\ngreeting = first greeting\n");
    Daemon daemon(config, dir.path() + "/pop3d.log");
    ASSERT_TRUE(daemon.ready()) << daemon.log();
    const int port = daemon.port();

    dir.write("pop3d.conf", "[server]\nno_such_key = 1\n");
    ASSERT_EQ(kill(daemon.pid(), SIGHUP), 0);
    ASSERT_TRUE(eventually(3000, [&] { return daemon.log().find("keeping the old configuration") != std::string::npos; }))
        << daemon.log();
    {
        Client c("127.0.0.1", port);
        EXPECT_EQ(c.line().rfind("+OK first greeting", 0), 0u);
    }
    write_base_config(dir, "[server]\ngreeting = second greeting\n");
    ASSERT_EQ(kill(daemon.pid(), SIGHUP), 0);
    ASSERT_TRUE(eventually(3000, [&] { return daemon.log().find("configuration reloaded") != std::string::npos; }));
    Client c("127.0.0.1", port);
    EXPECT_EQ(c.line().rfind("+OK second greeting", 0), 0u);
}

}  // namespace
}  // namespace pop3d::e2e

namespace pop3d::e2e {
namespace {

TEST(Listener, ServesEveryConfiguredAddressIpv4AndIpv6) {
    if (!run_postinst()) GTEST_SKIP() << "needs root";
    TempDir dir;
    std::string config = dir.write("pop3d.conf", "[server]\nlisten = 127.0.0.1:0 [::1]:0\npid_file = " +
                                                     dir.path() + "/pop3d.pid\n");
    Daemon daemon(config, dir.path() + "/pop3d.log");
    ASSERT_TRUE(daemon.ready()) << daemon.log();
    ASSERT_TRUE(eventually(3000, [&] { return daemon.port("[::1]") != 0; })) << daemon.log();
    Client v4("127.0.0.1", daemon.port("127.0.0.1"));
    EXPECT_EQ(v4.line().rfind("+OK", 0), 0u);
    int status = 0;
    std::string v6 = shell("python3 -c \"import socket; s = socket.create_connection(('::1', " +
                           std::to_string(daemon.port("[::1]")) + "), timeout=10); "
                           "print(s.makefile('rb').readline().decode().strip())\"",
                           &status);
    EXPECT_EQ(status, 0) << v6;
    EXPECT_EQ(v6.rfind("+OK", 0), 0u) << v6;
}

}  // namespace
}  // namespace pop3d::e2e
