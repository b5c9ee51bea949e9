#include "common/network.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

namespace pop3d {
namespace {

sockaddr_storage address(const char* text) {
    sockaddr_storage s{};
    auto* in = reinterpret_cast<sockaddr_in*>(&s);
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&s);
    if (inet_pton(AF_INET, text, &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
    } else {
        EXPECT_EQ(inet_pton(AF_INET6, text, &in6->sin6_addr), 1) << text;
        in6->sin6_family = AF_INET6;
    }
    return s;
}

bool in(const char* network, const char* addr) {
    auto n = parse_network(network);
    EXPECT_TRUE(n.ok()) << network;
    return n.ok() && network_contains(*n, address(addr));
}

TEST(Network, ParsesAndFormats) {
    EXPECT_EQ(format_network(*parse_network("10.0.0.0/8")), "10.0.0.0/8");
    EXPECT_EQ(format_network(*parse_network("192.0.2.7")), "192.0.2.7/32");
    EXPECT_EQ(format_network(*parse_network("2001:db8::/32")), "2001:db8::/32");
    EXPECT_EQ(format_network(*parse_network("::1")), "::1/128");
    EXPECT_EQ(format_network(*parse_network("0.0.0.0/0")), "0.0.0.0/0");
}

TEST(Network, RefusesWhatIsNotANetwork) {
    for (const char* bad : {"", "/8", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.1/8", "10.0.0.0/08",
                            "host.example", "10.0.0.0/8/8", "10.0.0.0/-1", "2001:db8::1/32"})
        EXPECT_FALSE(parse_network(bad).ok()) << bad;
}

TEST(Network, Contains) {
    EXPECT_TRUE(in("10.0.0.0/8", "10.1.2.3"));
    EXPECT_FALSE(in("10.0.0.0/8", "11.0.0.1"));
    EXPECT_TRUE(in("127.0.0.1", "127.0.0.1"));
    EXPECT_FALSE(in("127.0.0.1", "127.0.0.2"));
    EXPECT_TRUE(in("192.168.4.0/22", "192.168.7.255"));
    EXPECT_FALSE(in("192.168.4.0/22", "192.168.8.0"));
    EXPECT_TRUE(in("0.0.0.0/0", "203.0.113.9"));
    EXPECT_TRUE(in("2001:db8::/32", "2001:db8:ffff::1"));
    EXPECT_FALSE(in("2001:db8::/32", "2001:db9::1"));
    // A dual-stack socket sees an IPv4 peer as ::ffff:a.b.c.d.
    EXPECT_TRUE(in("127.0.0.0/8", "::ffff:127.0.0.5"));
    EXPECT_FALSE(in("::/0", "127.0.0.1"));
}

}  // namespace
}  // namespace pop3d
