// max_sessions_per_ip: the 21st connection from one address is refused
// while another address is still served.
#include <gtest/gtest.h>

#include "tests/e2e/accounts.h"
#include "tests/e2e/harness.h"

namespace pop3d::e2e {
namespace {

TEST(Limits, TwentyFirstSessionFromOneAddressIsRefusedAnotherAddressIsServed) {
    if (!run_postinst()) GTEST_SKIP() << "needs root";
    TempDir dir;
    Daemon daemon(write_base_config(dir, "[server]\nmax_sessions_per_ip = 20\n"),
                  dir.path() + "/pop3d.log");
    ASSERT_TRUE(daemon.ready()) << daemon.log();
    const int port = daemon.port();
    std::vector<std::unique_ptr<Client>> held;
    for (int i = 0; i < 20; ++i) {
        held.push_back(std::make_unique<Client>("127.0.0.1", port));
        ASSERT_EQ(held.back()->line().rfind("+OK", 0), 0u) << "session " << i + 1;
    }
    Client refused("127.0.0.1", port);
    std::string line = refused.line();
    EXPECT_EQ(line.rfind("-ERR [SYS/TEMP] ", 0), 0u) << line;
    EXPECT_TRUE(refused.closed_by_server());

    Client other("127.0.0.1", port, "127.0.0.2");
    ASSERT_TRUE(other.connected());
    EXPECT_EQ(other.line().rfind("+OK", 0), 0u);

    // A slot that frees up is given again.
    held.front()->send("QUIT\r\n");
    held.front()->line();
    EXPECT_TRUE(held.front()->closed_by_server());
    bool served = eventually(3000, [&] {
        Client again("127.0.0.1", port);
        return again.line().rfind("+OK", 0) == 0;
    });
    EXPECT_TRUE(served);
}

}  // namespace
}  // namespace pop3d::e2e

namespace pop3d::e2e {
namespace {

TEST(Limits, OverMaxSessionsEveryAddressIsRefused) {
    if (!run_postinst()) GTEST_SKIP() << "needs root";
    TempDir dir;
    Daemon daemon(write_base_config(dir, "[server]\nmax_sessions = 2\n"),
                  dir.path() + "/pop3d.log");
    ASSERT_TRUE(daemon.ready()) << daemon.log();
    const int port = daemon.port();
    Client first("127.0.0.1", port), second("127.0.0.1", port, "127.0.0.2");
    ASSERT_EQ(first.line().rfind("+OK", 0), 0u);
    ASSERT_EQ(second.line().rfind("+OK", 0), 0u);
    Client third("127.0.0.1", port, "127.0.0.3");
    std::string line = third.line();
    EXPECT_EQ(line.rfind("-ERR [SYS/TEMP] ", 0), 0u) << line;
    EXPECT_TRUE(third.closed_by_server());
}

}  // namespace
}  // namespace pop3d::e2e
