#include "common/proxy_reader.h"
#include <arpa/inet.h>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "common/peer_address.h"
#include "common/unique_fd.h"

namespace pop3d::proxy {
namespace {

struct Pair {
    Pair() {
        int sv[2];
        EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        server.reset(sv[0]);
        client.reset(sv[1]);
    }
    void send(const std::string& bytes) { ASSERT_EQ(write(client.get(), bytes.data(), bytes.size()), ssize_t(bytes.size())); }
    std::string rest() {
        client.reset();
        std::string out;
        char buf[256];
        ssize_t n;
        while ((n = read(server.get(), buf, sizeof buf)) > 0) out.append(buf, size_t(n));
        return out;
    }
    UniqueFd server, client;
};

// The client's first bytes, sent in the same segment, stay for the session.
TEST(ProxyReader, TakesTheHeaderAndNotOneOctetMore) {
    Pair p;
    p.send("PROXY TCP4 192.0.2.9 10.0.0.1 40000 110\r\nCAPA\r\n");
    auto h = read_proxy_header(p.server.get(), 1000);
    ASSERT_TRUE(h.ok()) << h.error().message;
    EXPECT_EQ(format_address(h->source), "192.0.2.9");
    EXPECT_EQ(p.rest(), "CAPA\r\n");

    Pair q;
    std::string v2("\r\n\r\n\0\r\nQUIT\n\x21\x11\x00\x0c\xc0\x00\x02\x0a\x0a\x00\x00\x01\x9c\x40\x00\x6e", 28);
    q.send(v2 + "USER a\r\n");
    auto h2 = read_proxy_header(q.server.get(), 1000);
    ASSERT_TRUE(h2.ok()) << h2.error().message;
    EXPECT_EQ(format_address(h2->source), "192.0.2.10");
    EXPECT_EQ(q.rest(), "USER a\r\n");
}

TEST(ProxyReader, HeaderInPiecesOnANonBlockingSocket) {
    Pair p;
    ASSERT_EQ(fcntl(p.server.get(), F_SETFL, O_NONBLOCK), 0);
    ProxyHeaderReader reader;
    std::string line = "PROXY TCP6 2001:db8::5 2001:db8::1 40000 110\r\n";
    for (std::size_t i = 0; i + 1 < line.size(); ++i) {
        p.send(line.substr(i, 1));
        auto step = reader.advance(p.server.get());
        ASSERT_TRUE(step.ok()) << step.error().message;
        ASSERT_FALSE(step->has_value()) << i;
    }
    p.send(line.substr(line.size() - 1));
    auto done = reader.advance(p.server.get());
    ASSERT_TRUE(done.ok() && done->has_value());
    EXPECT_EQ(format_address((*done)->source), "2001:db8::5");
}

TEST(ProxyReader, NoHeaderClosedOrLateIsAnError) {
    Pair a;
    a.send("USER alice\r\n");
    EXPECT_FALSE(read_proxy_header(a.server.get(), 1000).ok());
    Pair b;
    b.send("PROXY TCP4 192.0.2.9");
    b.client.reset();
    auto closed = read_proxy_header(b.server.get(), 1000);
    ASSERT_FALSE(closed.ok());
    EXPECT_NE(closed.error().message.find("closed"), std::string::npos);
    Pair c;
    c.send("PROXY TCP4 192.0.2.9");
    auto late = read_proxy_header(c.server.get(), 100);
    ASSERT_FALSE(late.ok());
    EXPECT_NE(late.error().message.find("deadline"), std::string::npos);
}

TEST(ProxyReader, TrustAndClientAddress) {
    std::vector<Network> from{*parse_network("127.0.0.1"), *parse_network("10.0.0.0/8")};
    ProxyHeader h;
    h.proxied = true;
    auto* in = reinterpret_cast<sockaddr_in*>(&h.source);
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(0xc0000207);
    sockaddr_storage peer{};
    auto* pin = reinterpret_cast<sockaddr_in*>(&peer);
    pin->sin_family = AF_INET;
    pin->sin_addr.s_addr = htonl(0x0a000005);
    EXPECT_TRUE(trusted_proxy(from, peer));
    EXPECT_EQ(format_address(client_address(h, peer)), "192.0.2.7");
    h.proxied = false;
    EXPECT_EQ(format_address(client_address(h, peer)), "10.0.0.5");
    pin->sin_addr.s_addr = htonl(0x0b000005);
    EXPECT_FALSE(trusted_proxy(from, peer));
}

}  // namespace
}  // namespace pop3d::proxy
