// The decision of pop3d-auth: one AuthRequest in, one AuthVerdict out,
// through the backends of [auth] backends in their order, reading
// users_file and apop_file afresh each time.
//
// Unknown user, wrong password and refused account give the same verdict
// (rejected), and cost the same work: every configured backend runs exactly
// one hash check per request, against a dummy hash of its own kind when it
// has no usable hash for the user. "Refused" includes the monitor's own
// account rule (common/auth/account_policy.h), applied here before the hash:
// a right password for an account the monitor would refuse is an ordinary
// rejection. The passwd-file backend counts only when users_file exists: a
// missing file costs no dummy hash. A user with an APOP secret is refused
// USER/PASS and AUTH PLAIN (RFC 1939 section 13).
#pragma once

#include "authd/read_file.h"
#include "common/auth/account_policy.h"
#include "common/auth/request.h"
#include "common/auth/verdict.h"
#include "common/config.h"
#include "common/result.h"
#include "common/secret.h"

namespace pop3d::authd {

class Authenticator {
public:
    // Draws a random APOP secret for unknown users. Needs sodium_init().
    // started_as_root: whether pop3d-auth (and so its monitor) started as
    // root; otherwise only self_uid is served (single-user mode), and the
    // account files may belong to it as well as to root.
    Authenticator(const AuthConfig& config, bool started_as_root, uid_t self_uid);

    // Never sleeps: failure_delay is the monitor's.
    auth::AuthVerdict verify(const auth::AuthRequest& request) const;

private:
    // The monitor's rule: the monitor is root exactly when pop3d-auth starts
    // as root, and serves only its own uid otherwise.
    const char* policy_refusal(std::string_view user, const privileges::Account& owner) const;

    AuthConfig config_;
    auth::AccountPolicy policy_;
    AccountFileRule file_rule_;
    Secret dummy_apop_secret_;
};

}  // namespace pop3d::authd
