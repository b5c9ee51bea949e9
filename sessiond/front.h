// The front: the unprivileged process that speaks the AUTHORIZATION state
// with the client. It runs chrooted to an empty directory as [privsep] user
// with no capabilities, no_new_privs, no core dumps and no fork, and it can
// do one thing with credentials: send them to its monitor as a frame.
#pragma once

#include <string>

#include "common/config.h"
#include "common/result.h"

namespace pop3d::session {

struct FrontSettings {
    std::string greeting;        // [server] greeting
    std::string apop_timestamp;  // empty: no APOP
    unsigned autologout = 600;
    // [tls] require_tls. TLS is not built yet, so with it no credentials are
    // ever taken: an administrator who asked for it gets no plaintext logins.
    bool require_tls = false;
};

// Gives up everything the front does not need. As root: looks up `user`,
// chroots, switches to it with no supplementary groups, then drops every
// capability. Either way: no_new_privs, RLIMIT_CORE 0, RLIMIT_NPROC 0, not
// dumpable. Any failure must end the process.
Status drop_front_privileges(const PrivsepConfig& privsep, bool as_root);

// Greets the client and serves AUTHORIZATION until the client quits or
// leaves, the monitor ends the session, or a login is accepted (then the
// unconsumed input goes to the monitor). Returns the process exit status.
int run_front(int in_fd, int out_fd, int monitor_fd, const FrontSettings& settings);

}  // namespace pop3d::session
