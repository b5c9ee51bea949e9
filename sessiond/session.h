// One POP3 session, from the greeting to the summary log line: the monitor
// (this process, root until login) makes the APOP timestamp, forks the
// front, starts pop3d-auth, answers the front's credential frames, and on a
// granted login becomes the mailbox owner and serves TRANSACTION itself.
// The connection is on fd 0 (input) and fd 1 (output).
#pragma once

#include <string>

#include "common/config.h"
#include "common/unique_fd.h"
#include "sessiond/sandbox_probe.h"

namespace pop3d::session {

struct SessionSetup {
    Config config;  // pop3d-auth is handed its sections of it, sealed
    std::string auth_program;  // the path of pop3d-auth
    // The client's address when a PROXY header gave it (pop3d-session -p,
    // or -a from the listener); empty: the peer of the connection.
    std::string client;
    // The connection starts with a TLS handshake (port 995, RFC 8314):
    // pop3d-session -T, given by the listener for tls_listen addresses.
    bool implicit_tls = false;
    // Tests only (sandbox_probe.h).
    SandboxProbe probe;
    // The listener's login pipe (pop3d-session -L), or invalid: closed as
    // soon as a login is granted.
    UniqueFd login_pipe;
};

// Returns the process exit status.
int run_session(SessionSetup& setup);

}  // namespace pop3d::session
