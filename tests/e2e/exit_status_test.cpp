// Every program's exit status comes from sysexits.h (common/exit_status.h):
// 64 for a bad command line, 78 for a broken configuration, 73 for a pid
// file the listener cannot create, so that an init system or a script can
// tell them apart (the man pages list them).
#include <gtest/gtest.h>
#include <sysexits.h>

#include "tests/e2e/harness.h"

namespace pop3d::e2e {
namespace {

int status_of(const std::string& command, std::string* out = nullptr) {
    int status = -1;
    std::string text = shell(command + " </dev/null", &status);
    if (out) *out = text;
    return status;
}

TEST(ExitStatus, UsageErrorsAreExUsage) {
    const std::string bin = bin_dir();
    EXPECT_EQ(status_of(bin + "/pop3d -x"), EX_USAGE);
    EXPECT_EQ(status_of(bin + "/pop3d -t extra"), EX_USAGE);
    EXPECT_EQ(status_of(bin + "/pop3d-session -x"), EX_USAGE);
    EXPECT_EQ(status_of(bin + "/pop3d-session -c 2"), EX_USAGE);
    EXPECT_EQ(status_of(bin + "/pop3d-auth -x y z"), EX_USAGE);
    // Not started by pop3d-session: no socket on descriptor 3.
    EXPECT_EQ(status_of(bin + "/pop3d-auth"), EX_USAGE);
    EXPECT_EQ(status_of(bin + "/pop3d-passwd frobnicate alice"), EX_USAGE);
}

TEST(ExitStatus, ConfigurationErrorsAreExConfig) {
    TempDir dir;
    std::string broken = dir.write("broken.conf", "[server]\nmax_sessions = many\n");
    const std::string bin = bin_dir();
    std::string out;
    EXPECT_EQ(status_of(bin + "/pop3d -t -f " + broken, &out), EX_CONFIG) << out;
    EXPECT_NE(out.find("broken.conf:2: max_sessions"), std::string::npos) << out;
    EXPECT_EQ(status_of(bin + "/pop3d -t -f " + dir.path() + "/missing.conf"), EX_CONFIG);
    EXPECT_EQ(status_of(bin + "/pop3d -F -f " + broken), EX_CONFIG);
    // The daemonizing parent passes on its child's status.
    EXPECT_EQ(status_of(bin + "/pop3d -f " + broken), EX_CONFIG);
    EXPECT_EQ(status_of(bin + "/pop3d-session -e -f " + broken, &out), EX_CONFIG);
    EXPECT_NE(out.find("-ERR [SYS/PERM]"), std::string::npos) << out;
    EXPECT_EQ(status_of(bin + "/pop3d-passwd -f " + broken + " --stdin verify alice"), EX_CONFIG);
}

// The pid file is made by the daemonized child; its parent, which the
// administrator's shell or init waits for, exits with the child's status.
TEST(ExitStatus, APidFileThatCannotBeMadeIsExCantCreat) {
    TempDir dir;
    std::string config = dir.write("pop3d.conf", "[server]\nlisten = 127.0.0.1:0\npid_file = " +
                                         dir.path() + "/no/such/dir/pop3d.pid\n[auth]\nfailure_delay = 0\n");
    std::string out;
    EXPECT_EQ(status_of(bin_dir() + "/pop3d -f " + config, &out), EX_CANTCREAT) << out;
}

}  // namespace
}  // namespace pop3d::e2e
