#include "common/proxy_header.h"

#include <gtest/gtest.h>

#include <string>

#include "common/limits.h"
#include "common/peer_address.h"

namespace pop3d::proxy {
namespace {

const std::string v2_sig("\r\n\r\n\0\r\nQUIT\n", 12);

std::string v2(unsigned char version_command, unsigned char family, const std::string& body) {
    std::string h = v2_sig;
    h += static_cast<char>(version_command);
    h += static_cast<char>(family);
    h += static_cast<char>(body.size() >> 8);
    h += static_cast<char>(body.size() & 0xff);
    return h + body;
}

std::string tcp4_body(const std::string& tlvs = "") {
    // 203.0.113.7:51234 -> 10.0.0.1:110
    return std::string("\xcb\x00\x71\x07\x0a\x00\x00\x01\xc8\x22\x00\x6e", 12) + tlvs;
}

ProxyHeader complete(const std::string& bytes) {
    auto r = parse_proxy_header(bytes, limits::proxy_header);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    if (!r.ok() || !std::holds_alternative<ProxyHeader>(*r)) {
        ADD_FAILURE() << "not a whole header";
        return {};
    }
    return std::get<ProxyHeader>(*r);
}

std::size_t needs(const std::string& bytes) {
    auto r = parse_proxy_header(bytes, limits::proxy_header);
    if (!r.ok() || !std::holds_alternative<NeedMore>(*r)) {
        ADD_FAILURE() << "expected need-more for " << bytes.size() << " bytes";
        return 0;
    }
    return std::get<NeedMore>(*r).total_at_least;
}

std::string error_of(const std::string& bytes, std::size_t max = limits::proxy_header) {
    auto r = parse_proxy_header(bytes, max);
    return r.ok() ? "" : r.error().message;
}

TEST(ProxyHeader, Version1Tcp4) {
    std::string line = "PROXY TCP4 203.0.113.7 10.0.0.1 51234 110\r\n";
    ProxyHeader h = complete(line + "USER alice\r\n");
    EXPECT_EQ(h.version, 1);
    EXPECT_TRUE(h.proxied);
    EXPECT_EQ(h.length, line.size());  // the client's bytes are not part of it
    EXPECT_EQ(format_address(h.source), "203.0.113.7");
}

TEST(ProxyHeader, Version1Tcp6CountsByItsPrefix) {
    ProxyHeader h = complete("PROXY TCP6 2001:db8:1:2::7 2001:db8::1 51234 110\r\n");
    EXPECT_TRUE(h.proxied);
    EXPECT_EQ(format_address(h.source), "2001:db8:1:2::7");
    EXPECT_EQ(limit_key(h.source), "2001:db8:1:2::/64");
}

TEST(ProxyHeader, Version1UnknownKeepsTheConnectionsAddress) {
    EXPECT_FALSE(complete("PROXY UNKNOWN\r\n").proxied);
    ProxyHeader h = complete("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n");
    EXPECT_FALSE(h.proxied);
    EXPECT_EQ(h.length, 35u);
}

TEST(ProxyHeader, Version1Malformed) {
    EXPECT_NE(error_of("PROXY TCP4 203.0.113.7 10.0.0.1 51234 110\n"), "");           // no CR
    EXPECT_NE(error_of("PROXY TCP4 203.0.113.7 10.0.0.1 51234\r\n"), "");             // a field short
    EXPECT_NE(error_of("PROXY TCP4 203.0.113.7 10.0.0.1 51234 110 9\r\n"), "");       // one too many
    EXPECT_NE(error_of("PROXY TCP4 2001:db8::1 10.0.0.1 51234 110\r\n"), "");         // family mismatch
    EXPECT_NE(error_of("PROXY TCP6 203.0.113.7 2001:db8::1 51234 110\r\n"), "");
    EXPECT_NE(error_of("PROXY TCP4 203.0.113.7 10.0.0.1 65536 110\r\n"), "");         // port range
    EXPECT_NE(error_of("PROXY TCP4 203.0.113.7 10.0.0.1 051234 110\r\n"), "");        // leading zero
    EXPECT_NE(error_of("PROXY TCP4 203.0.113.7 10.0.0.1 -1 110\r\n"), "");
    EXPECT_NE(error_of("PROXY TCP4  203.0.113.7 10.0.0.1 1 110\r\n"), "");            // double space
    EXPECT_NE(error_of("PROXY UDP4 203.0.113.7 10.0.0.1 1 110\r\n"), "");
    EXPECT_NE(error_of("PROXY TCP4 203.0.113.7.1 10.0.0.1 1 110\r\n"), "");
}

TEST(ProxyHeader, Version1LineIsAtMost107Octets) {
    std::string longest = "PROXY UNKNOWN " + std::string(107 - 16, 'x') + "\r\n";
    ASSERT_EQ(longest.size(), 107u);
    EXPECT_TRUE(complete(longest).length == 107u);
    std::string too_long = "PROXY UNKNOWN " + std::string(107 - 15, 'x') + "\r\n";
    EXPECT_NE(error_of(too_long).find("107"), std::string::npos);
    // Without its end, 107 octets are already too many.
    EXPECT_NE(error_of("PROXY UNKNOWN " + std::string(100, 'x')), "");
}

TEST(ProxyHeader, NeedMoreNeverAsksPastTheHeader) {
    EXPECT_EQ(needs(""), 15u);
    EXPECT_EQ(needs("P"), 15u);
    EXPECT_EQ(needs("PROXY "), 15u);
    std::string line = "PROXY TCP4 203.0.113.7 10.0.0.1 51234 110\r\n";
    // Each answer is at most the real length, so reading up to it is safe.
    for (std::size_t n = 0; n < line.size(); ++n) {
        std::size_t want = needs(line.substr(0, n));
        EXPECT_GT(want, n) << n;
        EXPECT_LE(want, line.size()) << n;
    }
    std::string header = v2(0x21, 0x11, tcp4_body("\x04\x00\x02xy"));
    for (std::size_t n = 0; n < header.size(); ++n) {
        std::size_t want = needs(header.substr(0, n));
        EXPECT_GT(want, n) << n;
        EXPECT_LE(want, header.size()) << n;
    }
    EXPECT_EQ(needs(v2_sig.substr(0, 1)), 16u);
}

TEST(ProxyHeader, Version2Tcp4SkipsTlvs) {
    std::string tlvs("\x01\x00\x04pop3\x05\x00\x03" "abc", 13);  // ALPN, unique id
    std::string header = v2(0x21, 0x11, tcp4_body(tlvs));
    ProxyHeader h = complete(header + "CAPA\r\n");
    EXPECT_EQ(h.version, 2);
    EXPECT_TRUE(h.proxied);
    EXPECT_EQ(h.length, header.size());
    EXPECT_EQ(format_address(h.source), "203.0.113.7");
}

TEST(ProxyHeader, Version2Tcp6) {
    std::string body(36, '\0');
    body[0] = '\x20';
    body[1] = '\x01';
    body[2] = '\x0d';
    body[3] = '\xb8';
    body[15] = '\x07';
    ProxyHeader h = complete(v2(0x21, 0x21, body));
    EXPECT_EQ(format_address(h.source), "2001:db8::7");
}

TEST(ProxyHeader, Version2LocalAndUnspecKeepTheConnectionsAddress) {
    ProxyHeader local = complete(v2(0x20, 0x00, ""));
    EXPECT_FALSE(local.proxied);
    EXPECT_EQ(local.length, 16u);
    // LOCAL ignores whatever addresses it carries.
    EXPECT_FALSE(complete(v2(0x20, 0x11, tcp4_body())).proxied);
    EXPECT_FALSE(complete(v2(0x21, 0x00, "")).proxied);
}

TEST(ProxyHeader, Version2Malformed) {
    EXPECT_NE(error_of(v2(0x11, 0x11, tcp4_body())), "");                 // version 1 in a v2 head
    EXPECT_NE(error_of(v2(0x22, 0x11, tcp4_body())), "");                 // unknown command
    EXPECT_NE(error_of(v2(0x21, 0x11, tcp4_body().substr(0, 11))), "");  // addresses cut short
    EXPECT_NE(error_of(v2(0x21, 0x21, std::string(35, '\0'))), "");
    EXPECT_NE(error_of(v2(0x21, 0x12, tcp4_body())), "");                 // UDP
    EXPECT_NE(error_of(v2(0x21, 0x31, std::string(216, '\0'))), "");      // AF_UNIX
}

TEST(ProxyHeader, Version2LengthIsBounded) {
    std::string body = tcp4_body(std::string(2000, '\0'));
    EXPECT_NE(error_of(v2(0x21, 0x11, body)).find("longer than"), std::string::npos);
    // The bound holds on the head alone, before the body arrives.
    EXPECT_NE(error_of(v2(0x21, 0x11, body).substr(0, 16)).find("longer than"), std::string::npos);
    // A smaller bound than the built-in one is honoured; a larger one is not.
    EXPECT_NE(error_of(v2(0x21, 0x11, tcp4_body(std::string(100, '\0'))), 64), "");
    EXPECT_NE(error_of(v2(0x21, 0x11, tcp4_body(std::string(1100, '\0'))), 1 << 20), "");
}

TEST(ProxyHeader, AnythingElseIsNoHeader) {
    EXPECT_NE(error_of("USER alice\r\n"), "");
    EXPECT_NE(error_of("proxy TCP4 1.2.3.4 1.2.3.4 1 2\r\n"), "");
    EXPECT_NE(error_of(std::string("\r\n\r\n\0\r\nQUIX\n", 12)), "");
    EXPECT_NE(error_of("GET / HTTP/1.0\r\n"), "");
}

}  // namespace
}  // namespace pop3d::proxy
