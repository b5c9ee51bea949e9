// The front: the unprivileged process that speaks the AUTHORIZATION state
// with the client. It runs chrooted to an empty directory as [privsep] user
// with no capabilities, no_new_privs, no core dumps and no fork, and it can
// do one thing with credentials: send them to its monitor as a frame.
#pragma once

#include <memory>
#include <string>

#include "common/config.h"
#include "common/result.h"

namespace pop3d::session {

class TlsContext;

struct FrontSettings {
    std::string greeting;        // [server] greeting
    std::string apop_timestamp;  // empty: no APOP
    unsigned autologout = 600;
    // No credentials before TLS ([tls] require_tls, for this client's address).
    bool require_tls = false;
    // TLS is configured: the front waits for the monitor's tls_setup frame.
    bool tls_configured = false;
    bool stls = true;           // [tls] stls: offered in AUTHORIZATION
    bool implicit_tls = false;  // the connection starts with a handshake (port 995)
    unsigned handshake_timeout = 30;
    // After a login over TLS the front relays to the session over this
    // socket (tls_relay.h); -1 without TLS.
    int relay_fd = -1;
    // The relay's send rate floor ([server] min_send_rate, send_rate_window);
    // a client under it is reported on relay_report_fd for the monitor to
    // log (tls_session.h).
    unsigned min_send_rate = 0;
    unsigned send_rate_window = 0;
    int relay_report_fd = -1;
};

// Gives up everything the front does not need. As root: looks up `user`,
// chroots, switches to it with no supplementary groups, then drops every
// capability. Either way: no_new_privs, RLIMIT_CORE 0, RLIMIT_NPROC 0, not
// dumpable. Any failure must end the process.
Status drop_front_privileges(const PrivsepConfig& privsep, bool as_root);

// Greets the client and serves AUTHORIZATION until the client quits or
// leaves, the monitor ends the session, or a login is accepted (then the
// unconsumed input goes to the monitor). Returns the process exit status.
// tls: the context the monitor prepared (tls_context.h), null without TLS.
int run_front(int in_fd, int out_fd, int monitor_fd, const FrontSettings& settings, std::unique_ptr<TlsContext> tls);

}  // namespace pop3d::session
