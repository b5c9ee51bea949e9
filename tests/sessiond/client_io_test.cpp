#include "sessiond/client_io.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <limits>
#include <string>

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

TEST(ClientIo, TcpConnectionsSendWithoutNagleDelay) {
    UniqueFd listener(socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ASSERT_EQ(bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(listen(listener.get(), 1), 0);
    ASSERT_EQ(getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len), 0);
    UniqueFd client(socket(AF_INET, SOCK_STREAM, 0));
    ASSERT_EQ(connect(client.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    UniqueFd server(accept(listener.get(), nullptr, nullptr));
    ASSERT_TRUE(server.valid());
    int on = 0;
    len = sizeof on;
    ASSERT_EQ(getsockopt(server.get(), IPPROTO_TCP, TCP_NODELAY, &on, &len), 0);
    ASSERT_EQ(on, 0);
    send_without_delay(server.get());
    ASSERT_EQ(getsockopt(server.get(), IPPROTO_TCP, TCP_NODELAY, &on, &len), 0);
    EXPECT_EQ(on, 1);
    Pair not_tcp;
    send_without_delay(not_tcp.a.get());  // left alone, no harm
}

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

// A client that asks for a message and stops reading: the write gives up at
// the deadline instead of waiting in the kernel for as long as TCP retries.
TEST(ClientIo, AWriteToAClientThatStopsReadingEndsAtTheDeadline) {
    Pair p;
    ASSERT_TRUE(stop_blocking(p.a.get()).ok());
    ClientOutput out(p.a.get(), 1);
    const std::string message(8 * 1024 * 1024, 'x');
    const auto start = std::chrono::steady_clock::now();
    Status st = out.write(message);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("does not read"), std::string::npos) << st.error().message;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

// The same client under the send rate floor ends after one window of
// sending, long before the autologout, and says how fast it was.
TEST(ClientIo, AWriteToAClientUnderTheFloorEndsAfterOneWindow) {
    Pair p;
    ASSERT_TRUE(stop_blocking(p.a.get()).ok());
    ClientOutput out(p.a.get(), 600, SendRateFloor(64 * 1024, 1));
    const std::string message(8 * 1024 * 1024, 'x');
    const auto start = std::chrono::steady_clock::now();
    Status st = out.write(message);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().message, out.too_slow());
    EXPECT_NE(out.too_slow().find("under min_send_rate 65536"), std::string::npos) << out.too_slow();
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(990));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(ClientIo, PollMillisRoundsUpAndCaps) {
    EXPECT_EQ(poll_millis(std::chrono::microseconds(1)), 1);
    EXPECT_EQ(poll_millis(std::chrono::milliseconds(-5)), 0);
    EXPECT_EQ(poll_millis(std::chrono::steady_clock::duration::max()), std::numeric_limits<int>::max());
}

}  // namespace
}  // namespace pop3d::session
