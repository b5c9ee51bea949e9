#include "common/pop3/capa.h"

#include "common/pop3/replies.h"
#include "common/version.h"

namespace pop3d::pop3 {

std::string capa_reply(const CapaState& state) {
    bool credentials_allowed = !state.require_tls || state.tls_active;
    std::string out = ok("Capability list follows");
    out += "TOP\r\nUIDL\r\n";
    // RFC 2449 section 5: what AUTHORIZATION offers is announced in both
    // states; only STLS is tied to the state it may be used in (RFC 2595).
    if (credentials_allowed) out += "USER\r\nSASL PLAIN\r\n";
    if (state.authorization && state.tls_configured && !state.tls_active) out += "STLS\r\n";
    out += "RESP-CODES\r\nAUTH-RESP-CODE\r\n";
    out += "PIPELINING\r\nEXPIRE NEVER\r\nLOGIN-DELAY 0\r\n";
    out += "IMPLEMENTATION ";
    out += program_name;
    out += ' ';
    out += program_version;
    out += "\r\n";
    out += multiline_end;
    return out;
}

}  // namespace pop3d::pop3
