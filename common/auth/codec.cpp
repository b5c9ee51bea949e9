#include "common/auth/codec.h"

#include <algorithm>

#include "common/limits.h"
#include "common/pop3/apop.h"

namespace pop3d::auth {
namespace {

Error bad(const char* why) { return make_error(ErrorKind::invalid, std::string("bad auth frame: ") + why); }

bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

// One rule for both directions, so that nothing the encoder would refuse
// can be decoded. NULs are refused because the C interfaces behind the
// checks (getpwnam, crypt_r) would silently cut the string there.
Status check_request(Mechanism m, std::string_view user, std::string_view password,
                     std::string_view digest, std::string_view timestamp, std::string_view client) {
    if (!is_mechanism(static_cast<std::uint8_t>(m))) return bad("unknown mechanism");
    if (user.empty() || user.size() > limits::auth_user || has_nul(user)) return bad("user name");
    if (password.size() > limits::auth_password || has_nul(password)) return bad("password");
    if (client.size() > limits::auth_client) return bad("client address");
    if (m == Mechanism::apop) {
        if (!password.empty()) return bad("password with APOP");
        if (!pop3::is_apop_digest(digest)) return bad("APOP digest");
        if (timestamp.size() < 2 || timestamp.size() > limits::apop_timestamp || timestamp.front() != '<' ||
            timestamp.back() != '>' || has_nul(timestamp))
            return bad("APOP timestamp");
    } else if (!digest.empty() || !timestamp.empty()) {
        return bad("APOP fields without APOP");
    }
    return {};
}

Status check_verdict(Outcome o, std::string_view user, std::string_view owner, uid_t uid, gid_t gid,
                     std::string_view home) {
    if (!is_outcome(static_cast<std::uint8_t>(o))) return bad("unknown outcome");
    if (o != Outcome::accepted) {
        if (!user.empty() || !owner.empty() || uid != 0 || gid != 0 || !home.empty())
            return bad("account in a refusal");
        return {};
    }
    if (user.empty() || user.size() > limits::account_name || has_nul(user)) return bad("user name");
    if (owner.empty() || owner.size() > limits::account_name || has_nul(owner)) return bad("owner");
    if (home.empty() || home.size() > limits::home_dir || home.front() != '/' || has_nul(home)) return bad("home");
    if (uid == 0) return bad("uid 0");
    return {};
}

}  // namespace

Result<Secret> encode_request(const AuthRequest& r) {
    if (auto ok = check_request(r.mechanism, r.user, r.password.view(), r.apop_digest, r.apop_timestamp, r.client);
        !ok)
        return ok.error();
    FrameBuilder b(frame_request);
    b.u8(static_cast<std::uint8_t>(r.mechanism))
        .bytes(r.user)
        .bytes(r.password.view())
        .bytes(r.apop_digest)
        .bytes(r.apop_timestamp)
        .bytes(r.client);
    return b.finish_secret();
}

Result<AuthRequest> decode_request(const Frame& frame) {
    if (frame.type != frame_request) return bad("not a request");
    FrameParser p(frame.payload());
    auto mech = p.u8();
    if (!mech) return mech.error();
    auto user = p.bytes(limits::auth_user);
    if (!user) return user.error();
    auto password = p.bytes(limits::auth_password);
    if (!password) return password.error();
    auto digest = p.bytes(limits::apop_digest);
    if (!digest) return digest.error();
    auto timestamp = p.bytes(limits::apop_timestamp);
    if (!timestamp) return timestamp.error();
    auto client = p.bytes(limits::auth_client);
    if (!client) return client.error();
    if (auto end = p.end(); !end) return end.error();
    Mechanism m = static_cast<Mechanism>(*mech);
    if (auto ok = check_request(m, *user, *password, *digest, *timestamp, *client); !ok) return ok.error();
    AuthRequest r;
    r.mechanism = m;
    r.user = std::string(*user);
    r.password.assign(*password);
    r.apop_digest = std::string(*digest);
    r.apop_timestamp = std::string(*timestamp);
    r.client = std::string(*client);
    return r;
}

Result<std::string> encode_verdict(const AuthVerdict& v) {
    if (auto ok = check_verdict(v.outcome, v.user, v.owner, v.uid, v.gid, v.home); !ok) return ok.error();
    FrameBuilder b(frame_verdict);
    b.u8(static_cast<std::uint8_t>(v.outcome))
        .bytes(v.user)
        .bytes(v.owner)
        .u32(static_cast<std::uint32_t>(v.uid))
        .u32(static_cast<std::uint32_t>(v.gid))
        .bytes(v.home);
    auto whole = b.finish();
    if (!whole) return whole.error();
    return std::string(*whole);
}

Result<AuthVerdict> decode_verdict(const Frame& frame) {
    if (frame.type != frame_verdict) return bad("not a verdict");
    FrameParser p(frame.payload());
    auto outcome = p.u8();
    if (!outcome) return outcome.error();
    auto user = p.bytes(limits::account_name);
    if (!user) return user.error();
    auto owner = p.bytes(limits::account_name);
    if (!owner) return owner.error();
    auto uid = p.u32();
    if (!uid) return uid.error();
    auto gid = p.u32();
    if (!gid) return gid.error();
    auto home = p.bytes(limits::home_dir);
    if (!home) return home.error();
    if (auto end = p.end(); !end) return end.error();
    Outcome o = static_cast<Outcome>(*outcome);
    if (auto ok = check_verdict(o, *user, *owner, *uid, *gid, *home); !ok) return ok.error();
    AuthVerdict v;
    v.outcome = o;
    v.user = std::string(*user);
    v.owner = std::string(*owner);
    v.uid = static_cast<uid_t>(*uid);
    v.gid = static_cast<gid_t>(*gid);
    v.home = std::string(*home);
    return v;
}

}  // namespace pop3d::auth
