// The decision of pop3d-auth: one AuthRequest in, one AuthVerdict out,
// through the backends of [auth] backends in their order, reading
// users_file and apop_file afresh each time.
//
// Unknown user, wrong password and refused account give the same verdict
// (rejected), and cost the same work: every configured backend runs exactly
// one hash check per request, against a dummy hash of its own kind when it
// has no usable hash for the user. A user with an APOP secret is refused
// USER/PASS and AUTH PLAIN (RFC 1939 section 13).
#pragma once

#include "common/auth/request.h"
#include "common/auth/verdict.h"
#include "common/config.h"
#include "common/result.h"
#include "common/secret.h"

namespace pop3d::authd {

class Authenticator {
public:
    // Draws a random APOP secret for unknown users. Needs sodium_init().
    explicit Authenticator(const AuthConfig& config);

    // Never sleeps: failure_delay is the caller's.
    auth::AuthVerdict verify(const auth::AuthRequest& request) const;

private:
    AuthConfig config_;
    Secret dummy_apop_secret_;
};

}  // namespace pop3d::authd
