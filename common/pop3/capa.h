// The CAPA reply (RFC 2449): a multi-line list of what the server offers in
// the state the session is in.
#pragma once

#include <string>

namespace pop3d::pop3 {

struct CapaState {
    bool authorization = true;  // false: TRANSACTION state
    bool tls_configured = false;
    bool tls_active = false;
    bool require_tls = false;
};

// AUTHORIZATION: TOP, UIDL, USER, SASL PLAIN, RESP-CODES, AUTH-RESP-CODE,
// PIPELINING, EXPIRE NEVER, LOGIN-DELAY 0, IMPLEMENTATION, and STLS when TLS
// is configured and not yet active; USER and SASL are left out while TLS is
// required and not active. TRANSACTION: the same without STLS (RFC 2449
// section 5: capabilities of the AUTHORIZATION state MUST be announced in
// both states; RFC 2595 announces STLS only where it is permitted).
std::string capa_reply(const CapaState& state);

}  // namespace pop3d::pop3
