// Issue 11, item 4: a front taken over can neither open a socket to the
// network nor signal a sibling front; the call kills it (seccomp), and its
// monitor logs that. Driven by the test-only POP3D_SANDBOX_PROBE
// (sessiond/sandbox_probe.h) through socat, which passes its environment on.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/sanitizer_report.h"
#include "tests/e2e/accounts.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/superserver.h"
#include "tests/support/test_cert.h"

namespace pop3d::e2e {
namespace {


// socat running pop3d-session per connection, with the sandbox probe
// `probe` ("" for none), in `mode` ("" plain, "-T " implicit TLS); *port is
// set to its port.
std::unique_ptr<Process> socat_session(const std::string& config, const std::string& log, int* port,
                                       const std::string& probe = "", const std::string& mode = "") {
    if (!probe.empty()) setenv("POP3D_SANDBOX_PROBE", probe.c_str(), 1);
    auto socat = socat_running(bin_dir() + "/pop3d-session -e " + mode + "-f " + config, log, port);
    unsetenv("POP3D_SANDBOX_PROBE");
    return socat;
}

// Starts a plain session as the sibling, then one probed session per probe
// in the given mode ("" plain, "-T " implicit TLS): each probed front dies
// of SIGSYS, its monitor logs it, and the sibling still answers.
void expect_probes_kill_the_front(const std::string& mode) {
    std::string why;
    auto accounts = Accounts::create(&why);
    ASSERT_TRUE(accounts) << why;
    const TempDir& dir = accounts->dir();
    auto cert = testing::make_test_cert(dir.path(), "server", testing::KeyKind::ecdsa);
    ASSERT_FALSE(cert.key_path.empty());
    std::string config = write_base_config(dir, "[tls]\ncert = " + cert.cert_path + "\nkey = " + cert.key_path + "\n");
    int plain_port = 0;
    auto plain = socat_session(config, dir.path() + "/plain.log", &plain_port);
    ASSERT_TRUE(plain);
    Client sibling("127.0.0.1", plain_port);
    ASSERT_EQ(sibling.line().rfind("+OK", 0), 0u);
    pid_t sibling_front = find_monitor_and_front(plain->pid()).second;
    ASSERT_GT(sibling_front, 0);

    for (std::string probe : {std::string("socket"), "kill:" + std::to_string(sibling_front)}) {
        std::string log = dir.path() + "/probe-" + probe.substr(0, 4) + ".log";
        int probe_port = 0;
        auto probed = socat_session(config, log, &probe_port, probe, mode);
        ASSERT_TRUE(probed);
        {
            Client c("127.0.0.1", probe_port);
            // A plain client is told; a TLS client only sees the close.
            if (mode.empty()) {
                std::string first = c.line();
                EXPECT_EQ(first.rfind("-ERR [SYS/TEMP]", 0), 0u) << probe << ": " << first << "\n" << read_file(log);
            }
        }
        EXPECT_TRUE(eventually(3000, [&] {
            return read_file(log).find("was killed by signal 31 (SIGSYS") != std::string::npos;
        })) << probe << ":\n" << read_file(log);
        EXPECT_EQ(read_file(log).find("went through"), std::string::npos) << read_file(log);
        probed->stop();
    }
    // The sibling was not touched and still answers.
    sibling.send("USER " + accounts->alice().name() + "\r\n");
    EXPECT_EQ(sibling.line(), "+OK send PASS");
}

TEST(Sandbox, AFrontThatOpensASocketOrSignalsASiblingDiesAndItsMonitorSaysSo) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    expect_probes_kill_the_front("");
}

// The TLS front (implicit TLS, `pop3d-session -T`) runs OpenSSL under the
// same filter: the probe kills it before any handshake.
TEST(Sandbox, ATlsFrontIsUnderTheSameFilter) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    expect_probes_kill_the_front("-T ");
}

// What the front may hold: a few descriptors, no file to grow, no process.
TEST(Sandbox, TheFrontsLimitsAndFilter) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    std::string why;
    auto accounts = Accounts::create(&why);
    ASSERT_TRUE(accounts) << why;
    const TempDir& dir = accounts->dir();
    std::string config = write_base_config(dir);
    int plain_port = 0;
    auto plain = socat_session(config, dir.path() + "/plain.log", &plain_port);
    ASSERT_TRUE(plain);
    Client c("127.0.0.1", plain_port);
    ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
    pid_t front = find_monitor_and_front(plain->pid()).second;
    ASSERT_GT(front, 0);
    // It enters the sandbox after its setup, as the client sees the greeting.
    EXPECT_TRUE(eventually(2000, [&] { return proc_status(front)["Seccomp"] == "2"; }));
    std::string limits = read_file("/proc/" + std::to_string(front) + "/limits");
    // 0, and room for its sanitizer reports in the make test-asan build.
    const std::string file_size = std::to_string(sanitizer::file_size_limit());
    char max_file_size[96];
    std::snprintf(max_file_size, sizeof max_file_size, "%-25s %-20s %s", "Max file size", file_size.c_str(),
                  file_size.c_str());
    EXPECT_NE(limits.find(max_file_size), std::string::npos) << limits;
    EXPECT_NE(limits.find("Max processes             0                    0"), std::string::npos) << limits;
    std::size_t at = limits.find("Max open files");
    ASSERT_NE(at, std::string::npos);
    EXPECT_LE(std::stoul(limits.substr(at + 26)), 8u) << limits;
}

}  // namespace
}  // namespace pop3d::e2e
