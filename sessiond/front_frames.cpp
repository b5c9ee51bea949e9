#include "sessiond/front_frames.h"

#include "common/limits.h"

namespace pop3d::session {
namespace {

Error bad(const char* why) { return make_error(ErrorKind::invalid, std::string("bad front frame: ") + why); }

Result<Secret> finish(const FrameBuilder& b) {
    auto whole = b.finish();
    if (!whole) return whole.error();
    return Secret(*whole);
}

Status expect_type(const Frame& frame, FrameType type) {
    if (frame.type != static_cast<std::uint8_t>(type)) return bad("unexpected type");
    return {};
}

}  // namespace

const char* end_reason_name(EndReason reason) {
    switch (reason) {
        case EndReason::quit: return "quit";
        case EndReason::disconnected: return "disconnected";
        case EndReason::autologout: return "autologout";
        case EndReason::protocol_error: return "protocol-error";
    }
    return "unknown";
}

Result<Secret> encode_credentials(const CredentialsFrame& c) {
    if (c.user.size() > limits::auth_user || c.authzid.size() > limits::auth_user ||
        c.password.size() > limits::auth_password || c.digest.size() > limits::apop_digest)
        return bad("field too long");
    FrameBuilder b(static_cast<std::uint8_t>(FrameType::credentials));
    b.u8(static_cast<std::uint8_t>(c.method)).bytes(c.user).bytes(c.authzid).bytes(c.password.view()).bytes(c.digest);
    return finish(b);
}

Result<Secret> encode_verdict(const VerdictFrame& v) {
    FrameBuilder b(static_cast<std::uint8_t>(FrameType::verdict));
    b.u8(static_cast<std::uint8_t>(v.code)).u8(v.last ? 1 : 0);
    return finish(b);
}

Result<Secret> encode_handover(std::string_view unconsumed) {
    FrameBuilder b(static_cast<std::uint8_t>(FrameType::handover));
    b.bytes(unconsumed);
    return finish(b);
}

Result<Secret> encode_end(EndReason reason) {
    FrameBuilder b(static_cast<std::uint8_t>(FrameType::end));
    b.u8(static_cast<std::uint8_t>(reason));
    return finish(b);
}

Result<CredentialsFrame> decode_credentials(const Frame& frame) {
    if (auto st = expect_type(frame, FrameType::credentials); !st) return st.error();
    FrameParser p(frame.payload());
    auto method = p.u8();
    auto user = p.bytes(limits::auth_user);
    auto authzid = p.bytes(limits::auth_user);
    auto password = p.bytes(limits::auth_password);
    auto digest = p.bytes(limits::apop_digest);
    if (!method || !user || !authzid || !password || !digest || !p.end()) return bad("malformed credentials");
    CredentialsFrame c;
    switch (*method) {
        case static_cast<std::uint8_t>(Method::user_pass):
        case static_cast<std::uint8_t>(Method::sasl_plain):
            if (!digest->empty()) return bad("digest with a password method");
            break;
        case static_cast<std::uint8_t>(Method::apop):
            if (!password->empty() || !authzid->empty()) return bad("password with APOP");
            break;
        default: return bad("unknown method");
    }
    if (*method != static_cast<std::uint8_t>(Method::sasl_plain) && !authzid->empty())
        return bad("authzid outside AUTH PLAIN");
    c.method = static_cast<Method>(*method);
    c.user = std::string(*user);
    c.authzid = std::string(*authzid);
    c.password.assign(*password);
    c.digest = std::string(*digest);
    return c;
}

Result<VerdictFrame> decode_verdict(const Frame& frame) {
    if (auto st = expect_type(frame, FrameType::verdict); !st) return st.error();
    FrameParser p(frame.payload());
    auto code = p.u8();
    auto last = p.u8();
    if (!code || !last || !p.end() || *code > static_cast<std::uint8_t>(VerdictCode::permanent) || *last > 1)
        return bad("malformed verdict");
    return VerdictFrame{static_cast<VerdictCode>(*code), *last == 1};
}

Result<std::string> decode_handover(const Frame& frame) {
    if (auto st = expect_type(frame, FrameType::handover); !st) return st.error();
    FrameParser p(frame.payload());
    auto bytes = p.bytes(limits::frame);
    if (!bytes || !p.end()) return bad("malformed handover");
    return std::string(*bytes);
}

Result<EndReason> decode_end(const Frame& frame) {
    if (auto st = expect_type(frame, FrameType::end); !st) return st.error();
    FrameParser p(frame.payload());
    auto reason = p.u8();
    if (!reason || !p.end() || *reason < 1 || *reason > static_cast<std::uint8_t>(EndReason::protocol_error))
        return bad("malformed end");
    return static_cast<EndReason>(*reason);
}

}  // namespace pop3d::session
