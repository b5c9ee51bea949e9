#include "sessiond/tls_frames.h"

#include <gtest/gtest.h>

#include "common/limits.h"
#include "tests/support/received_frame.h"

namespace pop3d::session {
namespace {

using test::as_received;
using test::raw_frame;

TEST(TlsFrames, SetupRoundTrip) {
    auto whole = encode_tls_setup({true, "-----BEGIN CERTIFICATE-----\n"});
    ASSERT_TRUE(whole.ok());
    auto back = decode_tls_setup(as_received(*whole));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_TRUE(back->available);
    EXPECT_EQ(back->chain_pem, "-----BEGIN CERTIFICATE-----\n");
    auto none = decode_tls_setup(as_received(*encode_tls_setup({false, ""})));
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->available);
}

TEST(TlsFrames, SetupRefusesContradictions) {
    EXPECT_FALSE(encode_tls_setup({false, "chain"}).ok());
    EXPECT_FALSE(encode_tls_setup({true, std::string(limits::tls_chain + 1, 'x')}).ok());
    // available without a chain, a chain without TLS, a bad flag, trailing bytes
    EXPECT_FALSE(decode_tls_setup(raw_frame(FrameType::tls_setup, std::string("\x01\0\0\0\0", 5))).ok());
    EXPECT_FALSE(decode_tls_setup(raw_frame(FrameType::tls_setup, std::string("\x00\0\0\0\x01x", 6))).ok());
    EXPECT_FALSE(decode_tls_setup(raw_frame(FrameType::tls_setup, std::string("\x02\0\0\0\x01x", 6))).ok());
    EXPECT_FALSE(decode_tls_setup(raw_frame(FrameType::tls_setup, std::string("\x01\0\0\0\x01xy", 7))).ok());
    EXPECT_FALSE(decode_tls_setup(raw_frame(FrameType::signature, std::string("\x00\0\0\0\0", 5))).ok());
}

TEST(TlsFrames, SignRequestRoundTrip) {
    for (auto scheme : {SignScheme::ecdsa, SignScheme::rsa_pss_block, SignScheme::rsa_pkcs1}) {
        SignRequestFrame r{scheme, scheme == SignScheme::rsa_pkcs1 ? 672u : 0u, std::string(32, 'd')};
        auto whole = encode_sign_request(r);
        ASSERT_TRUE(whole.ok());
        auto back = decode_sign_request(as_received(*whole));
        ASSERT_TRUE(back.ok()) << back.error().message;
        EXPECT_EQ(back->scheme, scheme);
        EXPECT_EQ(back->hash_nid, r.hash_nid);
        EXPECT_EQ(back->input, r.input);
    }
}

TEST(TlsFrames, SignRequestRefusesWhatNoHandshakeSends) {
    EXPECT_FALSE(encode_sign_request({SignScheme::ecdsa, 0, ""}).ok());
    EXPECT_FALSE(encode_sign_request({SignScheme::ecdsa, 0, std::string(limits::tls_sign_input + 1, 'x')}).ok());
    auto decode = [](SignScheme s, std::uint32_t nid) {
        FrameBuilder b(static_cast<std::uint8_t>(FrameType::sign_request));
        b.u8(static_cast<std::uint8_t>(s)).u32(nid).bytes("digest");
        Frame f;
        f.type = static_cast<std::uint8_t>(FrameType::sign_request);
        f.bytes.assign(b.finish()->substr(1));
        return decode_sign_request(f).ok();
    };
    EXPECT_TRUE(decode(SignScheme::rsa_pkcs1, 672));
    EXPECT_FALSE(decode(SignScheme::rsa_pkcs1, 0));       // PKCS#1 needs its hash
    EXPECT_FALSE(decode(SignScheme::ecdsa, 672));         // no hash for ECDSA
    EXPECT_FALSE(decode(SignScheme::rsa_pss_block, 672));  // nor for a PSS block
    EXPECT_FALSE(decode(static_cast<SignScheme>(9), 0));
}

TEST(TlsFrames, SignatureRoundTrip) {
    auto back = decode_signature(as_received(*encode_signature({true, "sig"})));
    ASSERT_TRUE(back.ok());
    EXPECT_TRUE(back->ok);
    EXPECT_EQ(back->signature, "sig");
    auto refused = decode_signature(as_received(*encode_signature({false, ""})));
    ASSERT_TRUE(refused.ok());
    EXPECT_FALSE(refused->ok);
    EXPECT_FALSE(encode_signature({false, "sig"}).ok());
    EXPECT_FALSE(decode_signature(raw_frame(FrameType::signature, std::string("\x01\0\0\0\0", 5))).ok());
    EXPECT_FALSE(decode_signature(raw_frame(FrameType::signature, std::string("\x00\0\0\0\x01s", 6))).ok());
}

TEST(TlsFrames, StartedAndFailedRoundTrip) {
    auto started = decode_tls_started(as_received(*encode_tls_started({"TLSv1.3", "TLS_AES_128_GCM_SHA256"})));
    ASSERT_TRUE(started.ok());
    EXPECT_EQ(started->version, "TLSv1.3");
    EXPECT_EQ(started->cipher, "TLS_AES_128_GCM_SHA256");
    EXPECT_FALSE(encode_tls_started({"TLS v1", "x"}).ok());  // goes into a log field
    EXPECT_FALSE(encode_tls_started({"", "x"}).ok());
    auto failed = decode_tls_failed(as_received(*encode_tls_failed({"handshake failed: no shared cipher"})));
    ASSERT_TRUE(failed.ok());
    EXPECT_EQ(failed->reason, "handshake failed: no shared cipher");
    EXPECT_FALSE(encode_tls_failed({"line\nbreak"}).ok());
    EXPECT_FALSE(encode_tls_failed({std::string(limits::tls_reason + 1, 'x')}).ok());
    EXPECT_FALSE(decode_tls_failed(raw_frame(FrameType::tls_failed, std::string("\0\0\0\x01\n", 5))).ok());
}

TEST(TlsFrames, TypesAreTheirOwn) {
    EXPECT_TRUE(is_tls_frame(static_cast<std::uint8_t>(FrameType::tls_setup)));
    EXPECT_TRUE(is_tls_frame(static_cast<std::uint8_t>(FrameType::tls_failed)));
    for (FrameType authorization : {FrameType::credentials, FrameType::verdict, FrameType::handover, FrameType::end})
        EXPECT_FALSE(is_tls_frame(static_cast<std::uint8_t>(authorization)));
    EXPECT_FALSE(is_tls_frame(0xe0));
    EXPECT_FALSE(is_tls_frame(0xe6));
}

}  // namespace
}  // namespace pop3d::session
