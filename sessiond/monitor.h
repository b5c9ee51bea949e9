// The monitor's side of the AUTHORIZATION state: it reads the front's
// frames, checks each against what its state allows, forwards credential
// attempts to pop3d-auth with its own APOP timestamp, counts them, and
// answers the verdicts. It grants a login only on an accepted verdict that
// passes check_login, followed by the front's hand-over.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "common/auth/request.h"
#include "common/auth/verdict.h"
#include "common/result.h"
#include "sessiond/login_check.h"
#include "sessiond/session_end.h"
#include "sessiond/tls_key_holder.h"

namespace pop3d::session {

// What checks credentials: pop3d-auth in production, a fake in tests.
class Verifier {
public:
    virtual ~Verifier() = default;
    virtual Result<auth::AuthVerdict> verify(const auth::AuthRequest& request) = 0;
};

struct MonitorSettings {
    std::string apop_timestamp;  // the one this monitor put in the greeting
    unsigned max_attempts = 3;
    std::string client;  // the client's address, for logs
    LoginPolicy policy;
    // [auth] failure_delay: every answer but a granted login leaves this long
    // after its attempt started (attempt_deadline.h).
    std::chrono::milliseconds failure_delay{0};
    // How the monitor finds the owner an accepted verdict names.
    AccountLookup lookup = privileges::lookup_user;
    // How long the monitor waits for the front's next frame. The front ends
    // an idle client after autologout, so a front silent for longer is not
    // behaving, and must not keep a root monitor alive.
    unsigned front_timeout_seconds = 0;  // 0: no limit
    // The key for the one TLS signature (tls_monitor.h); null without TLS.
    TlsKeyHolder* tls_key = nullptr;
    // [tls] require_tls applies to this client: credentials before TLS
    // are refused here too, not only by the front.
    bool require_tls = false;
    // [server] login_timeout: the whole AUTHORIZATION state, whatever the
    // client sends meanwhile (NOOP every second does not extend it); then
    // the session ends as "login-timeout". 0: no limit.
    unsigned login_timeout_seconds = 0;
};

struct MonitorResult {
    std::optional<Login> login;  // set only for a granted login
    std::string unconsumed;      // the client's bytes the front read ahead
    std::string user;            // the last user name tried, sanitized, for the summary
    Ended ended = Ended::error;  // without a login: how the session ended
    std::string tls;             // "TLSv1.3/CIPHER" once a handshake succeeded, else empty
};

// Runs until a login is granted or the session is over. The number of
// frames read is bounded by max_attempts (each credential frame counts).
MonitorResult converse_with_front(int front_fd, Verifier& verifier, const MonitorSettings& settings);

}  // namespace pop3d::session
