// make install and make uninstall into a DESTDIR: install puts the
// programs, the man pages and the examples under PREFIX and a configuration
// under /etc; uninstall removes exactly what install put there and leaves
// the configuration (and, outside DESTDIR, /var/lib/pop3d and the mail).
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "tests/e2e/harness.h"

namespace pop3d::e2e {
namespace {

std::set<std::string> files_under(const std::string& dir) {
    int status = 0;
    std::string out = shell("cd " + dir + " && find . -type f | sort", &status);
    std::set<std::string> files;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) files.insert(line);
    return files;
}

TEST(Install, UninstallRemovesWhatInstallPutThereAndKeepsTheConfiguration) {
    TempDir dest;
    const std::string make = "make -s --no-print-directory -C " + source_dir() + " DESTDIR=" + dest.path() + " PREFIX=/usr ";
    int status = 0;
    std::string out = shell(make + "install", &status);
    ASSERT_EQ(status, 0) << out;
    auto installed = files_under(dest.path());
    for (const char* f : {"./usr/sbin/pop3d", "./usr/sbin/pop3d-session", "./usr/sbin/pop3d-auth", "./usr/sbin/pop3d-passwd",
                          "./usr/share/man/man8/pop3d.8", "./usr/share/man/man8/pop3d-session.8",
                          "./usr/share/man/man8/pop3d-auth.8", "./usr/share/man/man8/pop3d-passwd.8",
                          "./usr/share/man/man5/pop3d.conf.5", "./usr/share/doc/pop3d/README.md",
                          "./usr/share/doc/pop3d/examples/systemd-pop3d.service", "./etc/pop3d/pop3d.conf"})
        EXPECT_TRUE(installed.count(f)) << f << " was not installed";
    // An administrator's edit survives a second install and the uninstall.
    dest.write("etc/pop3d/pop3d.conf", "[server]\nlisten = 127.0.0.1:1110\n");
    out = shell(make + "install", &status);
    ASSERT_EQ(status, 0) << out;
    out = shell(make + "uninstall", &status);
    ASSERT_EQ(status, 0) << out;
    EXPECT_EQ(files_under(dest.path()), std::set<std::string>{"./etc/pop3d/pop3d.conf"});
    EXPECT_EQ(read_file(dest.path() + "/etc/pop3d/pop3d.conf"), "[server]\nlisten = 127.0.0.1:1110\n");
    int dirs = 0;
    EXPECT_EQ(shell("test -d " + dest.path() + "/usr/share/doc/pop3d", &dirs), "");
    EXPECT_NE(dirs, 0) << "the doc directory is left behind";
}

}  // namespace
}  // namespace pop3d::e2e
