// make install and make uninstall into a DESTDIR: install puts the
// programs, the man pages and the examples (systemd, inetd and xinetd files
// for POP3 and POP3S, naming PREFIX's programs) under PREFIX and a
// configuration under /etc; uninstall removes exactly what install put
// there and leaves the configuration (and, outside DESTDIR, /var/lib/pop3d
// and the mail). xinetd is not run (it conflicts with openbsd-inetd, which
// the superserver tests run): its files are read.
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

// The uncommented line of an inetd.conf for SERVICE, its fields joined by
// one space; empty when there is none.
std::string superserver_line(const std::string& inetd_conf, const std::string& service) {
    std::istringstream in(inetd_conf);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string field, joined;
        while (fields >> field) joined += (joined.empty() ? "" : " ") + field;
        if (joined.rfind(service + " ", 0) == 0) return joined;
    }
    return "";
}

// The value of "KEY = VALUE" in an xinetd service file (tabs or spaces
// around the '='); empty when the key is not there.
std::string xinetd_value(const std::string& file, const std::string& key) {
    std::istringstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        const std::size_t start = line.find_first_not_of(" \t");
        if (start == std::string::npos || line.compare(start, key.size(), key) != 0) continue;
        const std::size_t eq = line.find_first_not_of(" \t", start + key.size());
        if (eq == std::string::npos || line[eq] != '=') continue;
        const std::size_t value = line.find_first_not_of(" \t", eq + 1);
        return value == std::string::npos ? "" : line.substr(value);
    }
    return "";
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
    // The examples: POP3 (110) and POP3S (995) for systemd, inetd and
    // xinetd, and fail2ban's files; no other pair of units for one port.
    std::set<std::string> examples;
    for (const auto& f : installed)
        if (f.rfind("./usr/share/doc/pop3d/examples/", 0) == 0) examples.insert(f.substr(31));
    EXPECT_EQ(examples, (std::set<std::string>{"pop3d.conf", "inetd.conf", "xinetd.d-pop3d", "xinetd.d-pop3s",
                                               "systemd-pop3d.service", "systemd-pop3d.socket",
                                               "systemd-pop3d@.service", "systemd-pop3d-tls.socket",
                                               "systemd-pop3d-tls@.service", "fail2ban-filter.d-pop3d.conf",
                                               "fail2ban-jail.d-pop3d.conf"}));
    const std::string examples_dir = dest.path() + "/usr/share/doc/pop3d/examples/";
    EXPECT_EQ(superserver_line(read_file(examples_dir + "inetd.conf"), "pop3s"),
              "pop3s stream tcp nowait root /usr/sbin/pop3d-session pop3d-session -T");
    EXPECT_EQ(superserver_line(read_file(examples_dir + "inetd.conf"), "pop3"),
              "pop3 stream tcp nowait root /usr/sbin/pop3d-session pop3d-session");
    const std::string xinetd_pop3s = read_file(examples_dir + "xinetd.d-pop3s");
    EXPECT_NE(xinetd_pop3s.find("service pop3s\n"), std::string::npos) << xinetd_pop3s;
    EXPECT_EQ(xinetd_value(xinetd_pop3s, "server"), "/usr/sbin/pop3d-session");
    EXPECT_EQ(xinetd_value(xinetd_pop3s, "server_args"), "-T -f /etc/pop3d/pop3d.conf");
    const std::string xinetd_pop3 = read_file(examples_dir + "xinetd.d-pop3d");
    EXPECT_NE(xinetd_pop3.find("service pop3\n"), std::string::npos) << xinetd_pop3;
    EXPECT_EQ(xinetd_value(xinetd_pop3, "server_args"), "-f /etc/pop3d/pop3d.conf");
    EXPECT_NE(read_file(examples_dir + "systemd-pop3d-tls@.service")
                  .find("ExecStart=-/usr/sbin/pop3d-session -T -f /etc/pop3d/pop3d.conf\n"),
              std::string::npos);
    EXPECT_NE(read_file(examples_dir + "systemd-pop3d-tls.socket").find("ListenStream=995\n"), std::string::npos);
    // Every example names the programs where PREFIX put them.
    EXPECT_EQ(shell("grep -l /usr/local/ " + examples_dir + "*", &status), "");
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
