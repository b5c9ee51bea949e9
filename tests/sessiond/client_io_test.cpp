#include "sessiond/client_io.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/unique_fd.h"

namespace pop3d::session {
namespace {

struct Pair {
    Pair() {
        int sv[2];
        EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
        a.reset(sv[0]);
        b.reset(sv[1]);
    }
    UniqueFd a, b;
};

TEST(ClientIo, ReadsWhatArrivedAndSeesTheClientClose) {
    Pair p;
    ASSERT_EQ(write(p.b.get(), "STAT\r\n", 6), 6);
    char buf[64];
    ClientRead r = read_client(p.a.get(), buf, sizeof buf, 5);
    ASSERT_EQ(r.kind, ClientRead::Kind::data);
    EXPECT_EQ(std::string(buf, r.size), "STAT\r\n");
    p.b.reset();
    EXPECT_EQ(read_client(p.a.get(), buf, sizeof buf, 5).kind, ClientRead::Kind::closed);
}

TEST(ClientIo, NothingWithinTheTimeIsAnAutologout) {
    Pair p;
    char buf[64];
    EXPECT_EQ(read_client(p.a.get(), buf, sizeof buf, 0).kind, ClientRead::Kind::autologout);
}

TEST(ClientIo, AWatchedDescriptorThatClosesEndsTheWait) {
    Pair client, monitor;
    monitor.b.reset();
    char buf[64];
    EXPECT_EQ(read_client(client.a.get(), buf, sizeof buf, 5, monitor.a.get()).kind, ClientRead::Kind::watched);
}

TEST(ClientIo, OutputWritesEverythingOrFailsOnAClosedPeer) {
    Pair p;
    ClientOutput out(p.a.get(), 5);
    ASSERT_TRUE(out.write("+OK ready\r\n").ok());
    char buf[64];
    ASSERT_EQ(read(p.b.get(), buf, sizeof buf), 11);
    p.b.reset();
    // MSG_NOSIGNAL is not available to write(2): the session ignores SIGPIPE.
    signal(SIGPIPE, SIG_IGN);
    EXPECT_FALSE(out.write("+OK gone\r\n").ok());
}

}  // namespace
}  // namespace pop3d::session
