#include "sessiond/front_frames.h"

#include <gtest/gtest.h>

#include "common/limits.h"

namespace pop3d::session {
namespace {

// A frame as recv_frame would deliver it.
Frame as_received(const Secret& whole) {
    Frame f;
    f.type = static_cast<std::uint8_t>(whole.view()[0]);
    f.bytes.assign(whole.view().substr(1));
    return f;
}

Frame raw(FrameType type, std::string_view payload) {
    Frame f;
    f.type = static_cast<std::uint8_t>(type);
    f.bytes.assign(payload);
    return f;
}

TEST(FrontFrames, CredentialsRoundTrip) {
    CredentialsFrame c;
    c.method = Method::sasl_plain;
    c.user = "alice";
    c.authzid = "alice";
    c.password.assign("pass word");
    auto whole = encode_credentials(c);
    ASSERT_TRUE(whole.ok());
    auto back = decode_credentials(as_received(*whole));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->method, Method::sasl_plain);
    EXPECT_EQ(back->user, "alice");
    EXPECT_EQ(back->authzid, "alice");
    EXPECT_EQ(back->password.view(), "pass word");
    EXPECT_EQ(back->digest, "");
}

TEST(FrontFrames, CredentialsRefuseMixedOrUnknownFields) {
    CredentialsFrame apop;
    apop.method = Method::apop;
    apop.user = "mrose";
    apop.digest = "c4c9334bac560ecc979e58001b3e22fb";
    auto ok = encode_credentials(apop);
    ASSERT_TRUE(ok.ok());
    EXPECT_TRUE(decode_credentials(as_received(*ok)).ok());

    apop.password.assign("also a password");
    auto mixed = encode_credentials(apop);
    ASSERT_TRUE(mixed.ok());
    EXPECT_FALSE(decode_credentials(as_received(*mixed)).ok());

    CredentialsFrame authzid;
    authzid.user = "bob";
    authzid.authzid = "root";  // only AUTH PLAIN carries one
    auto bad = encode_credentials(authzid);
    ASSERT_TRUE(bad.ok());
    EXPECT_FALSE(decode_credentials(as_received(*bad)).ok());

    FrameBuilder unknown(static_cast<std::uint8_t>(FrameType::credentials));
    unknown.u8(9).bytes("u").bytes("").bytes("p").bytes("");
    Secret whole(*unknown.finish());
    EXPECT_FALSE(decode_credentials(as_received(whole)).ok());
}

TEST(FrontFrames, EveryTruncationAndTrailingByteIsRefused) {
    CredentialsFrame c;
    c.user = "alice";
    c.password.assign("secret");
    auto whole = encode_credentials(c);
    ASSERT_TRUE(whole.ok());
    std::string payload(whole->view().substr(1));
    for (std::size_t n = 0; n < payload.size(); ++n)
        EXPECT_FALSE(decode_credentials(raw(FrameType::credentials, payload.substr(0, n))).ok()) << n;
    EXPECT_FALSE(decode_credentials(raw(FrameType::credentials, payload + "x")).ok());
}

TEST(FrontFrames, FieldsOverTheirLimitsAreRefusedBothWays) {
    CredentialsFrame c;
    c.user = std::string(limits::auth_user + 1, 'u');
    EXPECT_FALSE(encode_credentials(c).ok());
    FrameBuilder b(static_cast<std::uint8_t>(FrameType::credentials));
    b.u8(1).bytes(std::string(limits::auth_user + 1, 'u')).bytes("").bytes("p").bytes("");
    Secret whole(*b.finish());
    EXPECT_FALSE(decode_credentials(as_received(whole)).ok());
}

TEST(FrontFrames, VerdictHandoverAndEndRoundTripAndCheckTheirType) {
    auto v = encode_verdict(VerdictFrame{VerdictCode::temporary, true});
    ASSERT_TRUE(v.ok());
    auto vb = decode_verdict(as_received(*v));
    ASSERT_TRUE(vb.ok());
    EXPECT_EQ(vb->code, VerdictCode::temporary);
    EXPECT_TRUE(vb->last);
    EXPECT_FALSE(decode_verdict(raw(FrameType::verdict, std::string("\x04\x00", 2))).ok());
    EXPECT_FALSE(decode_verdict(raw(FrameType::verdict, std::string("\x00\x02", 2))).ok());

    auto h = encode_handover("STAT\r\nQUIT\r\n");
    ASSERT_TRUE(h.ok());
    auto hb = decode_handover(as_received(*h));
    ASSERT_TRUE(hb.ok());
    EXPECT_EQ(*hb, "STAT\r\nQUIT\r\n");
    EXPECT_FALSE(decode_verdict(as_received(*h)).ok());

    auto e = encode_end(EndReason::autologout);
    ASSERT_TRUE(e.ok());
    auto eb = decode_end(as_received(*e));
    ASSERT_TRUE(eb.ok());
    EXPECT_EQ(*eb, EndReason::autologout);
    EXPECT_FALSE(decode_end(raw(FrameType::end, std::string("\x00", 1))).ok());
    EXPECT_FALSE(decode_handover(as_received(*e)).ok());
}

}  // namespace
}  // namespace pop3d::session
