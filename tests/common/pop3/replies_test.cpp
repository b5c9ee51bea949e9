#include "common/pop3/replies.h"

#include <gtest/gtest.h>

#include "common/limits.h"
#include "common/pop3/capa.h"

namespace pop3d::pop3 {
namespace {

TEST(Replies, StatusAndResponseCodes) {
    EXPECT_EQ(ok(), "+OK\r\n");
    EXPECT_EQ(ok("fine"), "+OK fine\r\n");
    EXPECT_EQ(err("no"), "-ERR no\r\n");
    EXPECT_EQ(err(ResponseCode::in_use, "busy"), "-ERR [IN-USE] busy\r\n");
    EXPECT_EQ(err(ResponseCode::login_delay, "wait"), "-ERR [LOGIN-DELAY] wait\r\n");
    EXPECT_EQ(err(ResponseCode::sys_temp, "x"), "-ERR [SYS/TEMP] x\r\n");
    EXPECT_EQ(err(ResponseCode::sys_perm, "x"), "-ERR [SYS/PERM] x\r\n");
    EXPECT_EQ(err(ResponseCode::auth, "x"), "-ERR [AUTH] x\r\n");
}

TEST(Replies, ErrorKindsMapToCodes) {
    EXPECT_EQ(response_code(ErrorKind::in_use), ResponseCode::in_use);
    EXPECT_EQ(response_code(ErrorKind::temporary), ResponseCode::sys_temp);
    EXPECT_EQ(response_code(ErrorKind::permanent), ResponseCode::sys_perm);
    EXPECT_EQ(response_code(ErrorKind::invalid), ResponseCode::none);
}

TEST(Replies, LinesNeverExceed512Octets) {
    std::string r = err(ResponseCode::sys_temp, std::string(2000, 'x'));
    EXPECT_EQ(r.size(), limits::reply_line);
    EXPECT_EQ(r.substr(r.size() - 2), "\r\n");
    EXPECT_EQ(ok(std::string(510, 'y')).size(), limits::reply_line);
}

std::vector<std::string> capa_lines(const CapaState& s) {
    std::string text = capa_reply(s);
    std::vector<std::string> lines;
    for (std::size_t at = 0; at < text.size();) {
        std::size_t end = text.find("\r\n", at);
        lines.push_back(text.substr(at, end - at));
        at = end + 2;
    }
    return lines;
}

bool has(const std::vector<std::string>& lines, const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

TEST(Capa, AuthorizationStateWithoutTls) {
    auto lines = capa_lines({});
    EXPECT_EQ(lines.front().substr(0, 3), "+OK");
    EXPECT_EQ(lines.back(), ".");
    for (const char* tag : {"TOP", "UIDL", "USER", "SASL PLAIN", "RESP-CODES", "AUTH-RESP-CODE",
                            "PIPELINING", "EXPIRE NEVER", "LOGIN-DELAY 0",
                            "IMPLEMENTATION pop3d 0.1"}) {
        EXPECT_TRUE(has(lines, tag)) << tag;
    }
    EXPECT_FALSE(has(lines, "STLS"));
}

TEST(Capa, StlsOnlyWhenConfiguredAndNotYetActive) {
    EXPECT_TRUE(has(capa_lines({.tls_configured = true}), "STLS"));
    EXPECT_FALSE(has(capa_lines({.tls_configured = true, .tls_active = true}), "STLS"));
}

TEST(Capa, RequiredTlsHidesUserAndSaslUntilActive) {
    auto before = capa_lines({.tls_configured = true, .require_tls = true});
    EXPECT_FALSE(has(before, "USER"));
    EXPECT_FALSE(has(before, "SASL PLAIN"));
    EXPECT_TRUE(has(before, "STLS"));
    auto after = capa_lines({.tls_configured = true, .tls_active = true, .require_tls = true});
    EXPECT_TRUE(has(after, "USER"));
    EXPECT_TRUE(has(after, "SASL PLAIN"));
}

// RFC 2449 section 5: "Capabilities available in the AUTHORIZATION state
// MUST be announced in both states" (USER, SASL: section 6; AUTH-RESP-CODE:
// RFC 3206). Only STLS, which RFC 2595 announces where the command is
// permitted, is left out after login.
TEST(Capa, TransactionStateAnnouncesTheAuthorizationCapabilitiesToo) {
    auto lines = capa_lines({.authorization = false, .tls_configured = true});
    EXPECT_FALSE(has(lines, "STLS"));
    for (const char* tag : {"TOP", "UIDL", "USER", "SASL PLAIN", "RESP-CODES", "AUTH-RESP-CODE",
                            "PIPELINING", "EXPIRE NEVER", "LOGIN-DELAY 0",
                            "IMPLEMENTATION pop3d 0.1"}) {
        EXPECT_TRUE(has(lines, tag)) << tag;
    }
}

}  // namespace
}  // namespace pop3d::pop3
