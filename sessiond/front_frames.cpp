#include "sessiond/front_frames.h"

#include "common/limits.h"

namespace pop3d::session {
namespace {

Error bad(const char* why) { return make_error(ErrorKind::invalid, std::string("bad front frame: ") + why); }


// One rule for both directions (the lengths are the parser's bounds too).
Status check_credentials(std::uint8_t mechanism, std::string_view user, std::string_view authzid,
                         std::string_view password, std::string_view digest) {
    if (!auth::is_mechanism(mechanism)) return bad("unknown mechanism");
    if (user.size() > limits::auth_user || authzid.size() > limits::auth_user ||
        password.size() > limits::auth_password || digest.size() > limits::apop_digest)
        return bad("field too long");
    if (mechanism == static_cast<std::uint8_t>(auth::Mechanism::apop)) {
        if (!password.empty() || !authzid.empty()) return bad("password with APOP");
    } else if (!digest.empty()) {
        return bad("digest with a password mechanism");
    }
    if (mechanism != static_cast<std::uint8_t>(auth::Mechanism::auth_plain) && !authzid.empty())
        return bad("authzid outside AUTH PLAIN");
    return {};
}

Status check_verdict(std::uint8_t outcome) {
    if (!auth::is_outcome(outcome)) return bad("unknown outcome");
    return {};
}

Status check_end(std::uint8_t reason) {
    if (reason < static_cast<std::uint8_t>(EndReason::quit) || reason > static_cast<std::uint8_t>(EndReason::protocol_error))
        return bad("unknown end reason");
    return {};
}

}  // namespace

Result<Secret> encode_credentials(const auth::Credentials& c) {
    const auto mechanism = static_cast<std::uint8_t>(c.mechanism);
    if (auto st = check_credentials(mechanism, c.user, c.authzid, c.password.view(), c.digest); !st)
        return st.error();
    FrameBuilder b(static_cast<std::uint8_t>(FrameType::credentials));
    b.u8(mechanism).bytes(c.user).bytes(c.authzid).bytes(c.password.view()).bytes(c.digest);
    return b.finish_secret();
}

Result<Secret> encode_verdict(const VerdictFrame& v) {
    const auto outcome = static_cast<std::uint8_t>(v.outcome);
    if (auto st = check_verdict(outcome); !st) return st.error();
    FrameBuilder b(static_cast<std::uint8_t>(FrameType::verdict));
    b.u8(outcome).u8(v.last ? 1 : 0);
    return b.finish_secret();
}

Result<Secret> encode_handover(std::string_view unconsumed) {
    FrameBuilder b(static_cast<std::uint8_t>(FrameType::handover));
    b.bytes(unconsumed);
    return b.finish_secret();
}

Result<Secret> encode_end(EndReason reason) {
    if (auto st = check_end(static_cast<std::uint8_t>(reason)); !st) return st.error();
    FrameBuilder b(static_cast<std::uint8_t>(FrameType::end));
    b.u8(static_cast<std::uint8_t>(reason));
    return b.finish_secret();
}

Result<auth::Credentials> decode_credentials(const Frame& frame) {
    if (!is_type(frame, FrameType::credentials)) return bad("unexpected type");
    FrameParser p(frame.payload());
    auto mechanism = p.u8();
    auto user = p.bytes(limits::auth_user);
    auto authzid = p.bytes(limits::auth_user);
    auto password = p.bytes(limits::auth_password);
    auto digest = p.bytes(limits::apop_digest);
    if (!mechanism || !user || !authzid || !password || !digest || !p.end()) return bad("malformed credentials");
    if (auto st = check_credentials(*mechanism, *user, *authzid, *password, *digest); !st) return st.error();
    auth::Credentials c;
    c.mechanism = static_cast<auth::Mechanism>(*mechanism);
    c.user = std::string(*user);
    c.authzid = std::string(*authzid);
    c.password.assign(*password);
    c.digest = std::string(*digest);
    return c;
}

Result<VerdictFrame> decode_verdict(const Frame& frame) {
    if (!is_type(frame, FrameType::verdict)) return bad("unexpected type");
    FrameParser p(frame.payload());
    auto outcome = p.u8();
    auto last = p.u8();
    if (!outcome || !last || !p.end() || *last > 1) return bad("malformed verdict");
    if (auto st = check_verdict(*outcome); !st) return st.error();
    return VerdictFrame{static_cast<auth::Outcome>(*outcome), *last == 1};
}

Result<std::string> decode_handover(const Frame& frame) {
    if (!is_type(frame, FrameType::handover)) return bad("unexpected type");
    FrameParser p(frame.payload());
    auto bytes = p.bytes(limits::frame);
    if (!bytes || !p.end()) return bad("malformed handover");
    return std::string(*bytes);
}

Result<EndReason> decode_end(const Frame& frame) {
    if (!is_type(frame, FrameType::end)) return bad("unexpected type");
    FrameParser p(frame.payload());
    auto reason = p.u8();
    if (!reason || !p.end()) return bad("malformed end");
    if (auto st = check_end(*reason); !st) return st.error();
    return static_cast<EndReason>(*reason);
}

}  // namespace pop3d::session
