// What the monitor asks pop3d-auth: one credential attempt. The monitor
// fills it from a front's frame, except apop_timestamp, which is always the
// one the monitor generated itself (never one the front supplied).
#pragma once

#include <string>

#include "common/auth/attempt.h"
#include "common/secret.h"

namespace pop3d::auth {

struct AuthRequest {
    Mechanism mechanism = Mechanism::user_pass;
    std::string user;            // as the client typed it (at most limits::auth_user)
    Secret password;             // user_pass and auth_plain; empty for apop
    std::string apop_digest;     // apop: 32 hex digits; empty otherwise
    std::string apop_timestamp;  // apop: the monitor's own "<...@host>"; empty otherwise
    std::string client;          // the client's address, for log lines only
};

}  // namespace pop3d::auth
