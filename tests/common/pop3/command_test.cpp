#include "common/pop3/command.h"

#include <gtest/gtest.h>

namespace pop3d::pop3 {
namespace {

TEST(ParseCommand, KeywordsAreCaseInsensitive) {
    for (const char* line : {"STAT", "stat", "sTaT"}) {
        auto c = parse_command(line);
        ASSERT_TRUE(c.ok()) << line;
        EXPECT_EQ(c->verb, Verb::stat);
    }
    EXPECT_EQ(parse_command("top 1 2")->verb, Verb::top);
}

TEST(ParseCommand, UnknownOrMisshapenKeywordsAreRefused) {
    for (const char* line : {"", " ", "ST", "STATS", "XYZW", " STAT", "ST AT", "RETRIEVE 1",
                             "\xc3\xa9t\xc3\xa9"}) {
        EXPECT_FALSE(parse_command(line).ok()) << line;
    }
}

TEST(ParseCommand, EveryKeyword) {
    struct Case {
        const char* line;
        Verb verb;
    };
    for (Case c : {Case{"USER a", Verb::user}, {"PASS p", Verb::pass}, {"APOP a c4c9334bac560ecc979e58001b3e22fb", Verb::apop},
                   {"AUTH", Verb::auth}, {"STLS", Verb::stls}, {"RPOP x", Verb::rpop},
                   {"STAT", Verb::stat}, {"LIST", Verb::list}, {"RETR 1", Verb::retr},
                   {"DELE 1", Verb::dele}, {"NOOP", Verb::noop}, {"RSET", Verb::rset},
                   {"TOP 1 0", Verb::top}, {"UIDL", Verb::uidl}, {"LAST", Verb::last},
                   {"CAPA", Verb::capa}, {"QUIT", Verb::quit}}) {
        auto parsed = parse_command(c.line);
        ASSERT_TRUE(parsed.ok()) << c.line;
        EXPECT_EQ(parsed->verb, c.verb) << c.line;
        EXPECT_EQ(keyword(c.verb), std::string_view(c.line).substr(0, keyword(c.verb).size()));
    }
}

TEST(ParseCommand, MessageNumbersAreStrict) {
    EXPECT_EQ(*parse_command("LIST 1")->message, 1u);
    EXPECT_EQ(*parse_command("LIST 4294967295")->message, 4294967295u);
    EXPECT_EQ(*parse_command("RETR 007")->message, 7u);
    for (const char* line : {"LIST 4294967296", "LIST 4294967297", "LIST -1", "LIST +1",
                             "LIST 1x", "LIST x1", "LIST 0", "LIST 1.0", "LIST 0x1",
                             "LIST 99999999999999999999999", "RETR", "RETR 1 2", "DELE",
                             "DELE 0", "TOP 1", "TOP 1 -1", "TOP 0 1", "TOP 1 1x",
                             "TOP 1 +5", "TOP 1 99999999999999999999x", "UIDL 1 2",
                             "UIDL -3"}) {
        auto parsed = parse_command(line);
        EXPECT_FALSE(parsed.ok()) << line;
    }
}

TEST(ParseCommand, TopLineCount) {
    auto c = parse_command("TOP 3 18446744073709551615");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(*c->message, 3u);
    EXPECT_EQ(c->lines, 18446744073709551615ull);
    EXPECT_EQ(parse_command("TOP 3 0")->lines, 0u);
}

// RFC 1939 section 7: a line count beyond the body's sends the whole
// message; a count too large for 64 bits is such a count, not an error.
TEST(ParseCommand, TopLineCountBeyondSixtyFourBitsMeansEverything) {
    for (const char* line : {"TOP 3 18446744073709551616", "TOP 3 99999999999999999999999999999"}) {
        auto c = parse_command(line);
        ASSERT_TRUE(c.ok()) << line;
        EXPECT_EQ(c->lines, 18446744073709551615ull) << line;
    }
}

TEST(ParseCommand, SeveralSpacesAreTolerated) {
    auto c = parse_command("TOP   2    5  ");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(*c->message, 2u);
    EXPECT_EQ(c->lines, 5u);
    EXPECT_EQ(parse_command("APOP  bob   C4C9334BAC560ECC979E58001B3E22FB")->digest, "C4C9334BAC560ECC979E58001B3E22FB");
    EXPECT_EQ(parse_command("USER  bob ")->name, "bob");
    EXPECT_TRUE(parse_command("STAT  ").ok());
}

// RFC 1939 section 7: the digest is 32 hex digits. Anything else is the
// client's error, answered by the parser, never sent on to pop3d-auth.
TEST(ParseCommand, ApopDigestIs32HexDigits) {
    for (const char* line : {"APOP a abc", "APOP a c4c9334bac560ecc979e58001b3e22f",
                             "APOP a c4c9334bac560ecc979e58001b3e22fbb", "APOP a c4c9334bac560ecc979e58001b3e22fg",
                             "APOP a c4c9334bac560ecc979e58001b3e22f+"}) {
        auto c = parse_command(line);
        ASSERT_FALSE(c.ok()) << line;
        EXPECT_NE(c.error().message.find("32 hex digits"), std::string::npos) << line;
    }
}

TEST(ParseCommand, ArgumentCounts) {
    for (const char* line : {"STAT 1", "NOOP x", "QUIT now", "CAPA x", "RSET 1", "LAST 1",
                             "STLS x", "USER", "USER a b", "PASS", "PASS ", "APOP a",
                             "APOP a b c", "AUTH PLAIN a b", "LIST 1 2"}) {
        EXPECT_FALSE(parse_command(line).ok()) << line;
    }
}

TEST(ParseCommand, PassKeepsInnerAndTrailingSpaces) {
    auto c = parse_command("PASS two words ");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->secret.view(), "two words ");
}

// RFC 1939 section 3: keyword and argument are separated by a single SPACE,
// and section 7 lets the one PASS argument hold spaces: everything after
// that one separator is the password, leading spaces included.
TEST(ParseCommand, PassKeepsLeadingSpacesAfterTheSeparator) {
    auto c = parse_command("PASS  lead");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->secret.view(), " lead");
    EXPECT_EQ(parse_command("pass   ")->secret.view(), "  ");
}

TEST(ParseCommand, AuthInitialResponse) {
    auto none = parse_command("AUTH");
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->name.empty());
    auto plain = parse_command("auth plain");
    EXPECT_EQ(plain->name, "plain");
    EXPECT_FALSE(plain->has_initial_response);
    auto initial = parse_command("AUTH PLAIN AGJvYgBzZWNyZXQ=");
    EXPECT_TRUE(initial->has_initial_response);
    EXPECT_EQ(initial->secret.view(), "AGJvYgBzZWNyZXQ=");
    auto empty = parse_command("AUTH PLAIN =");
    EXPECT_TRUE(empty->has_initial_response);
    EXPECT_TRUE(empty->secret.empty());
}

TEST(ParseCommand, ErrorsNeverEchoTheLine) {
    auto c = parse_command("LIST s3cr3t");
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().message.find("s3cr3t"), std::string::npos);
}

}  // namespace
}  // namespace pop3d::pop3
