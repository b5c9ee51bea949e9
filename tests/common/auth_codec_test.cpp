#include "common/auth/codec.h"

#include <gtest/gtest.h>

#include "common/limits.h"

namespace pop3d::auth {
namespace {

Frame as_frame(std::string_view whole) {
    Frame f;
    f.type = static_cast<std::uint8_t>(whole.front());
    f.bytes.assign(whole.substr(1));
    return f;
}

AuthRequest pass_request() {
    AuthRequest r;
    r.mechanism = Mechanism::user_pass;
    r.user = "alice";
    r.password.assign("s3cret:with colon");
    r.client = "192.0.2.7";
    return r;
}

AuthRequest apop_request() {
    AuthRequest r;
    r.mechanism = Mechanism::apop;
    r.user = "mrose";
    r.apop_digest = "c4c9334bac560ecc979e58001b3e22fb";
    r.apop_timestamp = "<1896.697170952@dbc.mtview.ca.us>";
    r.client = "::1";
    return r;
}

TEST(AuthCodec, RequestsRoundTrip) {
    for (bool apop : {false, true}) {
        AuthRequest r = apop ? apop_request() : pass_request();
        auto enc = encode_request(r);
        ASSERT_TRUE(enc.ok()) << enc.error().message;
        EXPECT_EQ(static_cast<std::uint8_t>(enc->view().front()), frame_request);
        auto dec = decode_request(as_frame(enc->view()));
        ASSERT_TRUE(dec.ok()) << dec.error().message;
        EXPECT_EQ(dec->mechanism, r.mechanism);
        EXPECT_EQ(dec->user, r.user);
        EXPECT_EQ(dec->password.view(), r.password.view());
        EXPECT_EQ(dec->apop_digest, r.apop_digest);
        EXPECT_EQ(dec->apop_timestamp, r.apop_timestamp);
        EXPECT_EQ(dec->client, r.client);
    }
}

TEST(AuthCodec, EncoderRefusesMalformedRequests) {
    AuthRequest r = pass_request();
    r.user = "";
    EXPECT_FALSE(encode_request(r).ok());
    r = pass_request();
    r.user = std::string("al\0ice", 6);
    EXPECT_FALSE(encode_request(r).ok());
    r = pass_request();
    r.password.assign(std::string_view("pw\0x", 4));
    EXPECT_FALSE(encode_request(r).ok());
    r = pass_request();
    r.password.assign(std::string(limits::auth_password + 1, 'x'));
    EXPECT_FALSE(encode_request(r).ok());
    r = pass_request();
    r.apop_timestamp = "<1@x>";
    EXPECT_FALSE(encode_request(r).ok());
    r = apop_request();
    r.password.assign("pw");
    EXPECT_FALSE(encode_request(r).ok());
    r = apop_request();
    r.apop_digest = "c4c9334bac560ecc979e58001b3e22fz";
    EXPECT_FALSE(encode_request(r).ok());
    r = apop_request();
    r.apop_timestamp = "1896.697170952@dbc.mtview.ca.us";
    EXPECT_FALSE(encode_request(r).ok());
    r = apop_request();
    r.mechanism = static_cast<Mechanism>(9);
    EXPECT_FALSE(encode_request(r).ok());
}

TEST(AuthCodec, DecoderRefusesMalformedFrames) {
    auto good = encode_request(pass_request());
    ASSERT_TRUE(good.ok());
    std::string whole(good->view());
    // Every truncation, a trailing byte, a wrong type, an unknown mechanism.
    for (std::size_t n = 1; n < whole.size(); ++n)
        EXPECT_FALSE(decode_request(as_frame(whole.substr(0, n))).ok()) << n;
    EXPECT_FALSE(decode_request(as_frame(whole + "x")).ok());
    std::string wrong_type = whole;
    wrong_type[0] = static_cast<char>(frame_verdict);
    EXPECT_FALSE(decode_request(as_frame(wrong_type)).ok());
    std::string bad_mech = whole;
    bad_mech[1] = 0;
    EXPECT_FALSE(decode_request(as_frame(bad_mech)).ok());
    // An APOP frame without a timestamp, built by hand.
    FrameBuilder b(frame_request);
    b.u8(static_cast<std::uint8_t>(Mechanism::apop)).bytes("mrose").bytes("").bytes(std::string(32, 'a')).bytes("").bytes("");
    EXPECT_FALSE(decode_request(as_frame(*b.finish())).ok());
}

TEST(AuthCodec, VerdictsRoundTrip) {
    AuthVerdict ok;
    ok.outcome = Outcome::accepted;
    ok.user = "alice";
    ok.owner = "vmail";
    ok.uid = 1001;
    ok.gid = 1002;
    ok.home = "/home/vmail";
    auto enc = encode_verdict(ok);
    ASSERT_TRUE(enc.ok()) << enc.error().message;
    auto dec = decode_verdict(as_frame(*enc));
    ASSERT_TRUE(dec.ok()) << dec.error().message;
    EXPECT_TRUE(dec->accepted());
    EXPECT_EQ(dec->user, "alice");
    EXPECT_EQ(dec->owner, "vmail");
    EXPECT_EQ(dec->uid, 1001u);
    EXPECT_EQ(dec->gid, 1002u);
    EXPECT_EQ(dec->home, "/home/vmail");
    for (Outcome o : {Outcome::rejected, Outcome::temporary, Outcome::permanent}) {
        AuthVerdict v;
        v.outcome = o;
        auto e = encode_verdict(v);
        ASSERT_TRUE(e.ok());
        auto d = decode_verdict(as_frame(*e));
        ASSERT_TRUE(d.ok());
        EXPECT_EQ(d->outcome, o);
        EXPECT_FALSE(d->accepted());
    }
}

TEST(AuthCodec, VerdictRulesHoldBothWays) {
    AuthVerdict root;
    root.outcome = Outcome::accepted;
    root.user = root.owner = "root";
    root.home = "/root";
    EXPECT_FALSE(encode_verdict(root).ok());
    AuthVerdict relative = root;
    relative.uid = 1000;
    relative.home = "home";
    EXPECT_FALSE(encode_verdict(relative).ok());
    AuthVerdict leaky;
    leaky.outcome = Outcome::rejected;
    leaky.user = "alice";
    EXPECT_FALSE(encode_verdict(leaky).ok());

    // A hand-made accepted verdict for uid 0 is refused by the decoder too.
    FrameBuilder b(frame_verdict);
    b.u8(0).bytes("root").bytes("root").u32(0).u32(0).bytes("/root");
    EXPECT_FALSE(decode_verdict(as_frame(*b.finish())).ok());
    FrameBuilder c(frame_verdict);
    c.u8(7).bytes("").bytes("").u32(0).u32(0).bytes("");
    EXPECT_FALSE(decode_verdict(as_frame(*c.finish())).ok());
    AuthVerdict v;
    std::string whole = *encode_verdict(v);
    for (std::size_t n = 1; n < whole.size(); ++n) EXPECT_FALSE(decode_verdict(as_frame(whole.substr(0, n))).ok());
}

}  // namespace
}  // namespace pop3d::auth
