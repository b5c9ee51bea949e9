// The vocabulary of one credential attempt, shared by every process that
// handles one: the protocol engine that parses it (common/pop3/
// authorization.h), the front's frames to its monitor (sessiond/
// front_frames.h) and the monitor's frames to pop3d-auth (codec.h). One
// mechanism and one outcome, numbered once, so that no process translates
// between its own names for the same thing.
#pragma once

#include <cstdint>
#include <string>

#include "common/secret.h"

namespace pop3d::auth {

enum class Mechanism : std::uint8_t {
    user_pass = 1,   // USER then PASS
    auth_plain = 2,  // AUTH PLAIN (RFC 5034): checked exactly as USER/PASS
    apop = 3,        // APOP name digest (RFC 1939 section 7)
};

// Whether a byte off the wire names a Mechanism.
bool is_mechanism(std::uint8_t value);
// The mechanism's name for log lines: "USER/PASS", "AUTH PLAIN", "APOP".
const char* mechanism_name(Mechanism m);

enum class Outcome : std::uint8_t {
    accepted = 0,
    rejected = 1,   // wrong password, unknown user, refused account: one and the same
    temporary = 2,  // could not be decided now ([SYS/TEMP])
    permanent = 3,  // a configuration problem an administrator must fix ([SYS/PERM])
};

// Whether a byte off the wire names an Outcome.
bool is_outcome(std::uint8_t value);

// What a client offered, as the engine parsed it; the front sends it to the
// monitor as it is. The APOP challenge is not part of it: the monitor uses
// the one it made itself, never one the front could supply.
struct Credentials {
    Mechanism mechanism = Mechanism::user_pass;
    std::string user;     // USER name, APOP name, or the SASL authcid
    std::string authzid;  // auth_plain: empty or equal to user
    Secret password;      // user_pass, auth_plain
    std::string digest;   // apop: as the client sent it
};

}  // namespace pop3d::auth
