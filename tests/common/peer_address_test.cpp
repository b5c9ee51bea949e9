#include "common/peer_address.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pop3d {
namespace {

sockaddr_storage v4(const char* text) {
    sockaddr_storage s{};
    auto* in = reinterpret_cast<sockaddr_in*>(&s);
    in->sin_family = AF_INET;
    inet_pton(AF_INET, text, &in->sin_addr);
    return s;
}

sockaddr_storage v6(const char* text) {
    sockaddr_storage s{};
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&s);
    in6->sin6_family = AF_INET6;
    inet_pton(AF_INET6, text, &in6->sin6_addr);
    return s;
}

TEST(PeerAddress, FormatsBothFamiliesAndUnmapsIpv4InIpv6) {
    EXPECT_EQ(format_address(v4("192.0.2.7")), "192.0.2.7");
    EXPECT_EQ(format_address(v6("2001:db8::1")), "2001:db8::1");
    EXPECT_EQ(format_address(v6("::ffff:192.0.2.7")), "192.0.2.7");
    sockaddr_storage unix_family{};
    unix_family.ss_family = AF_UNIX;
    EXPECT_EQ(format_address(unix_family), "unknown");
}

TEST(PeerAddress, PerAddressLimitCountsIpv6ByItsSlash64) {
    EXPECT_EQ(limit_key(v4("192.0.2.7")), "192.0.2.7");
    EXPECT_EQ(limit_key(v6("::ffff:192.0.2.7")), "192.0.2.7");
    EXPECT_EQ(limit_key(v6("2001:db8:1:2:aaaa:bbbb:cccc:dddd")), "2001:db8:1:2::/64");
    EXPECT_EQ(limit_key(v6("2001:db8:1:2::1")), limit_key(v6("2001:db8:1:2:ffff::9")));
    EXPECT_NE(limit_key(v6("2001:db8:1:2::1")), limit_key(v6("2001:db8:1:3::1")));
}

TEST(PeerAddress, UnknownWhenNotAnInternetSocket) {
    int p[2];
    ASSERT_EQ(pipe(p), 0);
    EXPECT_EQ(peer_address(p[0]), "unknown");
    close(p[0]);
    close(p[1]);
    int sv[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    EXPECT_EQ(peer_address(sv[0]), "unknown");
    close(sv[0]);
    close(sv[1]);
}

}  // namespace
}  // namespace pop3d
