// The monitor against a pop3d-auth that lies (issue 11, item 1): a copy of
// pop3d-session next to a fake pop3d-auth that accepts every password and
// names a real owner with another account's gid and a home of its choosing.
// The monitor must take the account from its own lookup and refuse.
#include <gtest/gtest.h>
#include <grp.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/accounts.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/superserver.h"

namespace pop3d::e2e {
namespace {


// A pop3d-auth in Python that answers every request with an accepted
// verdict for the owner `owner`, with the given uid, gid and home.
std::string lying_helper(const std::string& owner, uid_t uid, gid_t gid, const std::string& home) {
    return "#!/usr/bin/python3\n"
           "import socket, struct\n"
           "s = socket.socket(fileno=3)\n"
           "def field(b): return struct.pack('>I', len(b)) + b\n"
           "while True:\n"
           "    m = s.recv(70000)\n"
           "    if not m: break\n"
           "    n = struct.unpack('>I', m[2:6])[0]\n"
           "    user = m[6:6 + n]\n"
           "    s.send(b'\\xa2\\x00' + field(user) + field(b'" + owner + "') + struct.pack('>II', " +
           std::to_string(uid) + ", " + std::to_string(gid) + ") + field(b'" + home + "'))\n";
}

TEST(LyingHelper, TheMonitorTakesTheOwnersIdsFromItsOwnLookup) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    std::string why;
    auto accounts = Accounts::create(&why);
    ASSERT_TRUE(accounts) << why;
    ASSERT_TRUE(accounts->alice().write_maildrop(sample_mbox(1)));
    const TempDir& dir = accounts->dir();
    ASSERT_EQ(testing::run_command("cp " + bin_dir() + "/pop3d-session " + dir.path() + "/pop3d-session"), 0);
    struct group* mail = getgrnam("mail");
    ASSERT_NE(mail, nullptr);
    // alice's name and uid, but the mail group and a home of its own.
    dir.write("pop3d-auth", lying_helper(accounts->alice().name(), accounts->alice().uid(), mail->gr_gid, "/nonexistent"), 0755);
    std::string config = write_base_config(dir);
    int socat_port = 0;
    std::string log = dir.path() + "/socat.log";
    auto socat = socat_running(dir.path() + "/pop3d-session -e -f " + config, log, &socat_port);
    ASSERT_TRUE(socat);
    Client c("127.0.0.1", socat_port);
    ASSERT_EQ(c.line().rfind("+OK", 0), 0u);
    c.send("USER " + accounts->alice().name() + "\r\nPASS anything\r\nSTAT\r\n");
    EXPECT_EQ(c.line(), "+OK send PASS");
    std::string reply = c.line();
    EXPECT_EQ(reply.rfind("-ERR", 0), 0u) << reply;
    EXPECT_TRUE(eventually(3000, [&] {
        return read_file(log).find("verdict refused: gid " + std::to_string(mail->gr_gid)) != std::string::npos;
    })) << read_file(log);
}

}  // namespace
}  // namespace pop3d::e2e
