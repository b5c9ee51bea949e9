#include "common/pop3/apop.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <ctime>
#include <limits>
#include <regex>
#include <set>

#include "common/limits.h"

namespace pop3d::pop3 {
namespace {

const char* const rfc_timestamp = "<1896.697170952@dbc.mtview.ca.us>";

TEST(Apop, Rfc1939Section7Example) {
    auto digest = apop_digest(rfc_timestamp, "tanstaaf");
    ASSERT_TRUE(digest.ok()) << digest.error().message;
    EXPECT_EQ(*digest, "c4c9334bac560ecc979e58001b3e22fb");
    EXPECT_EQ(apop_digest_matches(rfc_timestamp, "tanstaaf", "c4c9334bac560ecc979e58001b3e22fb").value(), true);
    EXPECT_EQ(apop_digest_matches(rfc_timestamp, "tanstaaf", "C4C9334BAC560ECC979E58001B3E22FB").value(), true);
}

TEST(Apop, WrongSecretTimestampOrMalformedDigestDoNotMatch) {
    const char* good = "c4c9334bac560ecc979e58001b3e22fb";
    EXPECT_EQ(apop_digest_matches(rfc_timestamp, "tanstaaF", good).value(), false);
    EXPECT_EQ(apop_digest_matches("<1896.697170953@dbc.mtview.ca.us>", "tanstaaf", good).value(), false);
    EXPECT_EQ(apop_digest_matches(rfc_timestamp, "tanstaaf", "c4c9334bac560ecc979e58001b3e22f").value(), false);
    EXPECT_EQ(apop_digest_matches(rfc_timestamp, "tanstaaf", "c4c9334bac560ecc979e58001b3e22fbb").value(), false);
    EXPECT_EQ(apop_digest_matches(rfc_timestamp, "tanstaaf", "g4c9334bac560ecc979e58001b3e22fb").value(), false);
    EXPECT_EQ(apop_digest_matches(rfc_timestamp, "tanstaaf", "").value(), false);
}

TEST(Apop, TimestampHasTheRfcShapeAndDiffersEachTime) {
    ASSERT_GE(sodium_init(), 0);
    std::regex shape(R"(<4242\.1700000000\.[0-9]+@mail\.example\.org>)");
    std::set<std::string> seen;
    for (int i = 0; i < 50; ++i) {
        std::string t = make_apop_timestamp(4242, 1700000000, "mail.example.org");
        EXPECT_TRUE(std::regex_match(t, shape)) << t;
        seen.insert(t);
    }
    EXPECT_EQ(seen.size(), 50u);  // same pid and second: the random part differs
}

TEST(Apop, TimestampHostnameIsSanitisedAndBounded) {
    ASSERT_GE(sodium_init(), 0);
    std::string t = make_apop_timestamp(1, 2, "evil>host\r\n@x");
    EXPECT_EQ(t.find_first_of("\r\n", 0), std::string::npos);
    EXPECT_EQ(t.substr(t.find('@')), "@evil-host---x>");
    EXPECT_NE(make_apop_timestamp(1, 2, "").find("@localhost>"), std::string::npos);
    EXPECT_LE(make_apop_timestamp(1, 2, std::string(5000, 'h')).size(), limits::hostname + 60);
}

TEST(Apop, Greeting) {
    EXPECT_EQ(greeting_reply("POP3 server ready", ""), "+OK POP3 server ready\r\n");
    EXPECT_EQ(greeting_reply("POP3 server ready", rfc_timestamp),
              "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n");
    EXPECT_EQ(greeting_reply("a\r\nb", ""), "+OK a  b\r\n");
    std::string long_one = greeting_reply(std::string(1000, 'g'), rfc_timestamp);
    EXPECT_LE(long_one.size(), limits::reply_line);
    EXPECT_NE(long_one.find(rfc_timestamp), std::string::npos);
}

// Clients (fetchmail, mpop, Thunderbird) take the first "<" ... ">" of the
// greeting as the APOP challenge, so the configured text must not hold one.
TEST(Apop, GreetingTextCannotHideOrFakeTheTimestamp) {
    EXPECT_EQ(greeting_reply("POP3 <fake@x> ready", rfc_timestamp),
              "+OK POP3  fake@x  ready <1896.697170952@dbc.mtview.ca.us>\r\n");
    EXPECT_EQ(greeting_reply("a<b", ""), "+OK a b\r\n");
    EXPECT_EQ(greeting_reply("", rfc_timestamp), "+OK <1896.697170952@dbc.mtview.ca.us>\r\n");
}

// RFC 2449 section 6.4: with RESP-CODES announced, any response text that
// begins with "[" is a response code; a configured greeting is not one.
TEST(Apop, GreetingTextIsNeverTakenForAResponseCode) {
    EXPECT_EQ(greeting_reply("[mail] ready", ""), "+OK (mail) ready\r\n");
    EXPECT_EQ(greeting_reply("[x]", rfc_timestamp), "+OK (x) <1896.697170952@dbc.mtview.ca.us>\r\n");
}

// Whatever the sizes, the reply line keeps the whole timestamp: the text
// gives way, never the closing ">".
TEST(Apop, GreetingNeverCutsTheTimestamp) {
    ASSERT_GE(sodium_init(), 0);
    std::string t = make_apop_timestamp(2147483647, std::numeric_limits<std::time_t>::max(),
                                        std::string(5000, 'h'));
    std::string greeting = greeting_reply(std::string(1000, 'g'), t);
    EXPECT_LE(greeting.size(), limits::reply_line);
    ASSERT_GE(greeting.size(), t.size() + 2);
    EXPECT_EQ(greeting.substr(greeting.size() - t.size() - 2), t + "\r\n");
}

// RFC 1939 section 7: the timestamp is an RFC 822 msg-id, whose domain is
// dot-separated atoms: no empty label from a trailing, leading or double dot.
TEST(Apop, TimestampDomainHasNoEmptyLabels) {
    ASSERT_GE(sodium_init(), 0);
    auto domain = [](std::string_view host) {
        std::string t = make_apop_timestamp(1, 2, host);
        return t.substr(t.find('@'));
    };
    EXPECT_EQ(domain("mail.example.org."), "@mail.example.org>");
    EXPECT_EQ(domain(".a..b."), "@a.b>");
    EXPECT_EQ(domain("..."), "@localhost>");
}

}  // namespace
}  // namespace pop3d::pop3
