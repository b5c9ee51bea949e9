#include "sessiond/tls_frames.h"

#include "common/limits.h"

namespace pop3d::session {
namespace {

Error bad(const char* why) { return make_error(ErrorKind::invalid, std::string("bad TLS frame: ") + why); }


bool printable(std::string_view s) {
    for (unsigned char c : s)
        if (c <= ' ' || c >= 0x7f) return false;
    return true;
}

bool printable_text(std::string_view s) {
    for (unsigned char c : s)
        if (c < ' ' || c >= 0x7f) return false;
    return true;
}

}  // namespace

Result<Secret> encode_tls_setup(const TlsSetupFrame& f) {
    if (f.chain_pem.size() > limits::tls_chain || (!f.available && !f.chain_pem.empty()))
        return bad("malformed setup");
    FrameBuilder b(static_cast<std::uint8_t>(FrameType::tls_setup));
    b.u8(f.available ? 1 : 0).bytes(f.chain_pem);
    return b.finish_secret();
}

Result<Secret> encode_sign_request(const SignRequestFrame& f) {
    if (f.input.empty() || f.input.size() > limits::tls_sign_input) return bad("sign input length");
    FrameBuilder b(static_cast<std::uint8_t>(FrameType::sign_request));
    b.u8(static_cast<std::uint8_t>(f.scheme)).u32(f.hash_nid).bytes(f.input);
    return b.finish_secret();
}

Result<Secret> encode_signature(const SignatureFrame& f) {
    if (f.signature.size() > limits::tls_sign_input || (!f.ok && !f.signature.empty())) return bad("malformed signature");
    FrameBuilder b(static_cast<std::uint8_t>(FrameType::signature));
    b.u8(f.ok ? 1 : 0).bytes(f.signature);
    return b.finish_secret();
}

Result<Secret> encode_tls_started(const TlsStartedFrame& f) {
    if (f.version.empty() || f.cipher.empty() || f.version.size() > limits::tls_name ||
        f.cipher.size() > limits::tls_name || !printable(f.version) || !printable(f.cipher))
        return bad("malformed version or cipher");
    FrameBuilder b(static_cast<std::uint8_t>(FrameType::tls_started));
    b.bytes(f.version).bytes(f.cipher);
    return b.finish_secret();
}

Result<Secret> encode_tls_failed(const TlsFailedFrame& f) {
    if (f.reason.empty() || f.reason.size() > limits::tls_reason || !printable_text(f.reason))
        return bad("malformed failure reason");
    FrameBuilder b(static_cast<std::uint8_t>(FrameType::tls_failed));
    b.bytes(f.reason);
    return b.finish_secret();
}

Result<TlsSetupFrame> decode_tls_setup(const Frame& frame) {
    if (!is_type(frame, FrameType::tls_setup)) return bad("unexpected type");
    FrameParser p(frame.payload());
    auto available = p.u8();
    auto chain = p.bytes(limits::tls_chain);
    if (!available || !chain || !p.end() || *available > 1) return bad("malformed setup");
    if (*available == 0 && !chain->empty()) return bad("chain without TLS");
    if (*available == 1 && chain->empty()) return bad("TLS without a chain");
    return TlsSetupFrame{*available == 1, std::string(*chain)};
}

Result<SignRequestFrame> decode_sign_request(const Frame& frame) {
    if (!is_type(frame, FrameType::sign_request)) return bad("unexpected type");
    FrameParser p(frame.payload());
    auto scheme = p.u8();
    auto nid = p.u32();
    auto input = p.bytes(limits::tls_sign_input);
    if (!scheme || !nid || !input || !p.end() || input->empty()) return bad("malformed sign request");
    switch (*scheme) {
        case static_cast<std::uint8_t>(SignScheme::rsa_pkcs1):
            if (*nid == 0) return bad("PKCS#1 signature without a hash");
            break;
        case static_cast<std::uint8_t>(SignScheme::rsa_pss_block):
        case static_cast<std::uint8_t>(SignScheme::ecdsa):
            if (*nid != 0) return bad("hash given where none is used");
            break;
        default: return bad("unknown signature scheme");
    }
    return SignRequestFrame{static_cast<SignScheme>(*scheme), *nid, std::string(*input)};
}

Result<SignatureFrame> decode_signature(const Frame& frame) {
    if (!is_type(frame, FrameType::signature)) return bad("unexpected type");
    FrameParser p(frame.payload());
    auto ok = p.u8();
    auto signature = p.bytes(limits::tls_sign_input);
    if (!ok || !signature || !p.end() || *ok > 1) return bad("malformed signature");
    if ((*ok == 1) == signature->empty()) return bad("signature and status disagree");
    return SignatureFrame{*ok == 1, std::string(*signature)};
}

Result<TlsStartedFrame> decode_tls_started(const Frame& frame) {
    if (!is_type(frame, FrameType::tls_started)) return bad("unexpected type");
    FrameParser p(frame.payload());
    auto version = p.bytes(limits::tls_name);
    auto cipher = p.bytes(limits::tls_name);
    if (!version || !cipher || !p.end() || version->empty() || cipher->empty() || !printable(*version) ||
        !printable(*cipher))
        return bad("malformed version or cipher");
    return TlsStartedFrame{std::string(*version), std::string(*cipher)};
}

Result<TlsFailedFrame> decode_tls_failed(const Frame& frame) {
    if (!is_type(frame, FrameType::tls_failed)) return bad("unexpected type");
    FrameParser p(frame.payload());
    auto reason = p.bytes(limits::tls_reason);
    if (!reason || !p.end() || reason->empty() || !printable_text(*reason)) return bad("malformed failure reason");
    return TlsFailedFrame{std::string(*reason)};
}

}  // namespace pop3d::session
