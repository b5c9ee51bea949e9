#include "sessiond/front_frames.h"

#include <gtest/gtest.h>

#include "common/limits.h"
#include "tests/support/received_frame.h"

namespace pop3d::session {
namespace {

using test::as_received;
using test::raw_frame;

TEST(FrontFrames, CredentialsRoundTrip) {
    auth::Credentials c;
    c.mechanism = auth::Mechanism::auth_plain;
    c.user = "alice";
    c.authzid = "alice";
    c.password.assign("pass word");
    auto whole = encode_credentials(c);
    ASSERT_TRUE(whole.ok());
    auto back = decode_credentials(as_received(*whole));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->mechanism, auth::Mechanism::auth_plain);
    EXPECT_EQ(back->user, "alice");
    EXPECT_EQ(back->authzid, "alice");
    EXPECT_EQ(back->password.view(), "pass word");
    EXPECT_EQ(back->digest, "");
}

// The payload of a credentials frame as any peer could send it.
Frame credentials_bytes(std::uint8_t mechanism, std::string_view user, std::string_view authzid,
                        std::string_view password, std::string_view digest) {
    FrameBuilder b(static_cast<std::uint8_t>(FrameType::credentials));
    b.u8(mechanism).bytes(user).bytes(authzid).bytes(password).bytes(digest);
    return as_received(Secret(*b.finish()));
}

TEST(FrontFrames, CredentialsRefuseMixedOrUnknownFieldsBothWays) {
    const std::string digest = "c4c9334bac560ecc979e58001b3e22fb";
    auth::Credentials apop;
    apop.mechanism = auth::Mechanism::apop;
    apop.user = "mrose";
    apop.digest = digest;
    auto ok = encode_credentials(apop);
    ASSERT_TRUE(ok.ok());
    EXPECT_TRUE(decode_credentials(as_received(*ok)).ok());
    EXPECT_TRUE(decode_credentials(credentials_bytes(3, "mrose", "", "", digest)).ok());

    apop.password.assign("also a password");
    EXPECT_FALSE(encode_credentials(apop).ok());
    EXPECT_FALSE(decode_credentials(credentials_bytes(3, "mrose", "", "also a password", digest)).ok());

    auth::Credentials digest_with_password;
    digest_with_password.user = "bob";
    digest_with_password.password.assign("pw");
    digest_with_password.digest = digest;
    EXPECT_FALSE(encode_credentials(digest_with_password).ok());
    EXPECT_FALSE(decode_credentials(credentials_bytes(1, "bob", "", "pw", digest)).ok());

    auth::Credentials authzid;
    authzid.user = "bob";
    authzid.authzid = "root";  // only AUTH PLAIN carries one
    EXPECT_FALSE(encode_credentials(authzid).ok());
    EXPECT_FALSE(decode_credentials(credentials_bytes(1, "bob", "root", "", "")).ok());
    EXPECT_TRUE(decode_credentials(credentials_bytes(2, "bob", "root", "", "")).ok());

    for (std::uint8_t unknown : {0, 4, 9}) {
        auth::Credentials c;
        c.mechanism = static_cast<auth::Mechanism>(unknown);
        c.user = "u";
        EXPECT_FALSE(encode_credentials(c).ok()) << int(unknown);
        EXPECT_FALSE(decode_credentials(credentials_bytes(unknown, "u", "", "p", "")).ok()) << int(unknown);
    }
}

TEST(FrontFrames, EveryTruncationAndTrailingByteIsRefused) {
    auth::Credentials c;
    c.user = "alice";
    c.password.assign("secret");
    auto whole = encode_credentials(c);
    ASSERT_TRUE(whole.ok());
    std::string payload(whole->view().substr(1));
    for (std::size_t n = 0; n < payload.size(); ++n)
        EXPECT_FALSE(decode_credentials(raw_frame(FrameType::credentials, payload.substr(0, n))).ok()) << n;
    EXPECT_FALSE(decode_credentials(raw_frame(FrameType::credentials, payload + "x")).ok());
}

TEST(FrontFrames, FieldsOverTheirLimitsAreRefusedBothWays) {
    auth::Credentials c;
    c.user = std::string(limits::auth_user + 1, 'u');
    EXPECT_FALSE(encode_credentials(c).ok());
    FrameBuilder b(static_cast<std::uint8_t>(FrameType::credentials));
    b.u8(1).bytes(std::string(limits::auth_user + 1, 'u')).bytes("").bytes("p").bytes("");
    Secret whole(*b.finish());
    EXPECT_FALSE(decode_credentials(as_received(whole)).ok());
}

TEST(FrontFrames, VerdictHandoverAndEndRoundTripAndCheckTheirType) {
    auto v = encode_verdict(VerdictFrame{auth::Outcome::temporary, true});
    ASSERT_TRUE(v.ok());
    auto vb = decode_verdict(as_received(*v));
    ASSERT_TRUE(vb.ok());
    EXPECT_EQ(vb->outcome, auth::Outcome::temporary);
    EXPECT_TRUE(vb->last);
    EXPECT_FALSE(decode_verdict(raw_frame(FrameType::verdict, std::string("\x04\x00", 2))).ok());
    EXPECT_FALSE(encode_verdict(VerdictFrame{static_cast<auth::Outcome>(4), false}).ok());
    EXPECT_FALSE(decode_verdict(raw_frame(FrameType::verdict, std::string("\x00\x02", 2))).ok());

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
    EXPECT_FALSE(decode_end(raw_frame(FrameType::end, std::string("\x00", 1))).ok());
    EXPECT_FALSE(decode_handover(as_received(*e)).ok());
}

}  // namespace
}  // namespace pop3d::session
