// The systemd units of etc/systemd pass `systemd-analyze verify` (which
// reads unit files without a running systemd), with their /usr/local/sbin
// paths pointed at the programs just built. The package test verifies the
// installed copies, with their man pages, the same way.
#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/e2e/harness.h"

namespace pop3d::e2e {
namespace {

TEST(SystemdUnits, VerifyCleanly) {
    if (access("/usr/bin/systemd-analyze", X_OK) != 0) GTEST_SKIP() << "systemd-analyze is not installed";
    TempDir dir;
    int status = -1;
    std::string out = shell("cp " + source_dir() + "/etc/systemd/* " + dir.path() + "/ && sed -i 's|/usr/local/sbin|" +
                                bin_dir() + "|g' " + dir.path() + "/*",
                            &status);
    ASSERT_EQ(status, 0) << out;
    // One pair of units per port: POP3 on 110, POP3S on 995 (the package
    // and make install ship exactly these), and the listener.
    EXPECT_EQ(shell("cd " + dir.path() + " && ls", &status),
              "pop3d-tls.socket\npop3d-tls@.service\npop3d.service\npop3d.socket\npop3d@.service\n");
    EXPECT_NE(read_file(dir.path() + "/pop3d-tls.socket").find("ListenStream=995\n"), std::string::npos);
    EXPECT_NE(read_file(dir.path() + "/pop3d-tls@.service").find(" -T "), std::string::npos);
    out = shell("cd " + dir.path() + " && timeout 60 systemd-analyze verify --man=no *", &status);
    EXPECT_EQ(status, 0) << out;
    EXPECT_EQ(out, "");
    // It does find a broken unit, so the check above can fail.
    dir.write("broken.service", "[Service]\nExecStart=/nonexistent/pop3d\n", 0644);
    out = shell("cd " + dir.path() + " && timeout 60 systemd-analyze verify --man=no broken.service", &status);
    EXPECT_NE(out, "");
}

}  // namespace
}  // namespace pop3d::e2e
