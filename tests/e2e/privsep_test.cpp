// Who each process of a live session is: read from /proc while a client is
// connected, before and after login.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <iterator>
#include <set>
#include <sstream>

#include "tests/e2e/accounts.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/served_suite.h"

namespace pop3d::e2e {
namespace {

class Privsep : public ServedSuite<Privsep> {
protected:
    static void SetUpTestSuite() { start_server(); }
    // The one session the listener runs.
    pid_t session() {
        std::vector<pid_t> sessions;
        eventually(2000, [&] {
            sessions = children_of(daemon_->pid());
            return sessions.size() == 1;
        });
        return sessions.size() == 1 ? sessions[0] : -1;
    }
};

TEST_F(Privsep, TheListenerKeepsOnlyTheCapabilitiesSessionsNeed) {
    auto st = proc_status(daemon_->pid());
    // CAP_CHOWN (0), CAP_KILL (5), CAP_SETGID (6), CAP_SETUID (7), CAP_SETPCAP (8),
    // CAP_NET_BIND_SERVICE (10),
    // CAP_SYS_CHROOT (18).
    EXPECT_EQ(st["CapBnd"], "00000000000405e1");
    EXPECT_EQ(st["CapEff"], "00000000000405e1");
    EXPECT_EQ(first_id(st["Uid"]), "0");
}

std::set<std::string> words(const std::string& text) {
    std::istringstream in(text);
    return {std::istream_iterator<std::string>(in), std::istream_iterator<std::string>()};
}

TEST_F(Privsep, FrontAndAuthHelperRunUnprivilegedThenTheSessionAsTheOwner) {
    ASSERT_TRUE(accounts_->alice().write_maildrop(sample_mbox(1)));
    // A supplementary group, so that the session's groups say something.
    int usermod = 0;
    shell("usermod -a -G users " + accounts_->alice().name(), &usermod);
    ASSERT_EQ(usermod, 0);
    Client c("127.0.0.1", port());
    ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
    pid_t monitor = session();
    ASSERT_GT(monitor, 0);
    // pop3d-auth starts with the first credentials (issue 11, item 3).
    c.send("USER " + accounts_->alice().name() + "\r\nPASS not-the-password\r\n");
    ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
    ASSERT_EQ(c.line().rfind("-ERR", 0), 0u);
    std::vector<pid_t> helpers;
    // Both children exist once pop3d-auth has been exec'd (until then it
    // is a copy of the monitor).
    ASSERT_TRUE(eventually(3000, [&] {
        helpers = children_of(monitor);
        int named = 0;
        for (pid_t pid : helpers) named += proc_name(pid) == "pop3d-auth";
        return helpers.size() == 2 && named == 1;
    }));
    int fronts = 0, auths = 0;
    for (pid_t pid : helpers) {
        auto st = proc_status(pid);
        if (proc_name(pid) == "pop3d-auth") {
            // It drops its privileges after exec, while the client already
            // sees the greeting; no_new_privs is its last step.
            EXPECT_TRUE(eventually(3000, [&] { return proc_status(pid)["NoNewPrivs"] == "1"; }));
            st = proc_status(pid);
            ++auths;
            EXPECT_EQ(first_id(st["Uid"]), uid_of("pop3d-auth"));
            EXPECT_EQ(st["CapEff"], "0000000000000000");
            EXPECT_EQ(st["CapPrm"], "0000000000000000");
            EXPECT_EQ(st["CapBnd"], "0000000000000000");
            EXPECT_EQ(st["NoNewPrivs"], "1");
        } else {
            ++fronts;
            EXPECT_EQ(proc_name(pid), "pop3d-session");
            EXPECT_EQ(first_id(st["Uid"]), uid_of("pop3d"));
            EXPECT_EQ(proc_root(pid), "/var/lib/pop3d/empty");
            EXPECT_EQ(st["CapPrm"], "0000000000000000");
            EXPECT_EQ(st["CapEff"], "0000000000000000");
            EXPECT_EQ(st["CapBnd"], "0000000000000000");
            EXPECT_EQ(st["NoNewPrivs"], "1");
            EXPECT_EQ(st["Groups"], "");
            EXPECT_EQ(st["Seccomp"], "2");
            std::string limits = read_file("/proc/" + std::to_string(pid) + "/limits");
            EXPECT_NE(limits.find("Max core file size        0                    0"), std::string::npos) << limits;
            EXPECT_NE(limits.find("Max processes             0                    0"), std::string::npos) << limits;
        }
    }
    EXPECT_EQ(fronts, 1);
    EXPECT_EQ(auths, 1);
    // The monitor holds passwords until login: no core file, hard limit too.
    std::string monitor_limits = read_file("/proc/" + std::to_string(monitor) + "/limits");
    EXPECT_NE(monitor_limits.find("Max core file size        0                    0"), std::string::npos)
        << monitor_limits;

    c.send("USER " + accounts_->alice().name() + "\r\nPASS " + alice_password + "\r\n");
    c.line();
    std::string login = c.line();
    ASSERT_EQ(login.rfind("+OK", 0), 0u) << login << "\n" << daemon_->log();
    // The front and pop3d-auth are gone; what may remain is the dotlock
    // keeper (/var/mail is not the user's to write): the owner with only
    // the spool's group, nothing else.
    std::string alice_uid = std::to_string(accounts_->alice().uid());
    EXPECT_TRUE(eventually(2000, [&] {
        for (pid_t pid : children_of(monitor))
            if (first_id(proc_status(pid)["Uid"]) != alice_uid) return false;
        return true;
    }));
    EXPECT_EQ(children_of(monitor).size(), 1u);
    for (pid_t keeper : children_of(monitor)) {
        auto ks = proc_status(keeper);
        int status = 0;
        std::string mail_gid = shell("getent group mail | cut -d: -f3", &status);
        while (!mail_gid.empty() && mail_gid.back() == '\n') mail_gid.pop_back();
        EXPECT_EQ(first_id(ks["Gid"]), mail_gid);
        EXPECT_EQ(ks["Groups"], "");
        EXPECT_EQ(ks["CapPrm"], "0000000000000000");
        EXPECT_EQ(ks["CapEff"], "0000000000000000");
        EXPECT_EQ(ks["CapBnd"], "0000000000000000");
        EXPECT_EQ(ks["NoNewPrivs"], "1");
    }
    auto st = proc_status(monitor);
    EXPECT_EQ(st["Uid"], std::to_string(accounts_->alice().uid()) + "\t" + std::to_string(accounts_->alice().uid()) +
                             "\t" + std::to_string(accounts_->alice().uid()) + "\t" +
                             std::to_string(accounts_->alice().uid()));
    EXPECT_EQ(first_id(st["Gid"]), std::to_string(accounts_->alice().gid()));
    EXPECT_EQ(st["CapPrm"], "0000000000000000");
    EXPECT_EQ(st["CapEff"], "0000000000000000");
    EXPECT_EQ(st["CapBnd"], "0000000000000000");
    EXPECT_EQ(st["NoNewPrivs"], "1");
    EXPECT_EQ(st["Seccomp"], "2") << "the logged-in session's filter (sessiond/session_filter.h)";
    // The owner's groups, looked up in a child: no NSS module stays mapped
    // in the session (Debian's nsswitch.conf names libnss_systemd).
    int id_status = 0;
    EXPECT_EQ(words(st["Groups"]), words(shell("id -G " + accounts_->alice().name(), &id_status)));
    EXPECT_EQ(read_file("/proc/" + std::to_string(monitor) + "/maps").find("libnss_"), std::string::npos);
    // The connection is non-blocking, so the autologout bounds every write
    // to a client that stops reading.
    std::string fdinfo = read_file("/proc/" + std::to_string(monitor) + "/fdinfo/1");
    std::size_t flags_at = fdinfo.find("flags:");
    ASSERT_NE(flags_at, std::string::npos) << fdinfo;
    EXPECT_NE(std::stoul(fdinfo.substr(flags_at + 6), nullptr, 8) & O_NONBLOCK, 0u) << fdinfo;
    c.send("QUIT\r\n");
    EXPECT_EQ(c.line().rfind("+OK", 0), 0u);
}

}  // namespace
}  // namespace pop3d::e2e
