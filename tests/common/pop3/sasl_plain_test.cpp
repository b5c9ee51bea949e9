#include "common/pop3/sasl_plain.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

namespace pop3d::pop3 {
namespace {

std::string base64(std::string_view bytes) {
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                      bytes.size(), sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1);
    return out;
}

using namespace std::string_literals;

TEST(SaslPlain, Rfc4616Vectors) {
    // RFC 4616 section 4: "\0tim\0tanstaaftanstaaf" and "Ursel\0Kurt\0xipj3plmq"
    // (the second has another authzid, which we refuse: no proxy logins).
    auto tim = decode_sasl_plain("AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
    ASSERT_TRUE(tim.ok()) << tim.error().message;
    EXPECT_EQ(tim->authzid, "");
    EXPECT_EQ(tim->authcid, "tim");
    EXPECT_EQ(tim->password.view(), "tanstaaftanstaaf");
    EXPECT_EQ(base64("Ursel\0Kurt\0xipj3plmq"s), "VXJzZWwAS3VydAB4aXBqM3BsbXE=");
    EXPECT_FALSE(decode_sasl_plain("VXJzZWwAS3VydAB4aXBqM3BsbXE=").ok());
}

TEST(SaslPlain, AuthzidEqualToAuthcidIsAccepted) {
    auto same = decode_sasl_plain(base64("bob\0bob\0pw"s));
    ASSERT_TRUE(same.ok());
    EXPECT_EQ(same->authzid, "bob");
    EXPECT_EQ(same->authcid, "bob");
}

TEST(SaslPlain, PasswordMayHoldAnyByteButNul) {
    auto c = decode_sasl_plain(base64("\0bob\0 sp\xff\x01 "s));
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->password.view(), " sp\xff\x01 ");
}

// RFC 4616 section 2: authzid, authcid and password of up to 255 octets
// each must be accepted; RFC 5034 section 4 lifts the line limit for them.
TEST(SaslPlain, LongestFieldsAreAccepted) {
    std::string user(255, 'u'), password(255, 'p');
    auto c = decode_sasl_plain(base64(user + '\0' + user + '\0' + password));
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->authcid, user);
    EXPECT_EQ(c->password.view(), password);
    EXPECT_FALSE(decode_sasl_plain(base64(std::string(256, 'u') + '\0' + std::string(256, 'u') +
                                          '\0' + password))
                     .ok());
}

TEST(SaslPlain, MalformedResponsesAreRefused) {
    for (std::string bad : {"not base64!"s, "AGJvYgBzZWNyZXQ"s, "AGJvYgBzZWNyZXQ=="s,
                            "AGJv YgBzZWNyZXQ="s, ""s, base64("bob\0secret"s),
                            base64("\0bob\0sec\0ret"s), base64("\0\0secret"s), base64("\0bob\0"s),
                            base64("\0b\nob\0secret"s), base64("alice\0bob\0secret"s),
                            std::string(300, 'A')}) {
        EXPECT_FALSE(decode_sasl_plain(bad).ok()) << bad;
    }
}

}  // namespace
}  // namespace pop3d::pop3
