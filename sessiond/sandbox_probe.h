// A test-only path into the sandboxes (issue 11, item 4): with
// POP3D_SANDBOX_PROBE in pop3d-session's environment, its front, once in its
// sandbox, attempts what an attacker who took it over would try first:
//   POP3D_SANDBOX_PROBE=socket     socket(AF_INET), closed again at once
//   POP3D_SANDBOX_PROBE=kill:PID   kill(PID, 0) on a sibling front
// Harmless by construction: signal 0 delivers nothing and the socket is
// never connected, so without a sandbox the probe only logs that the call
// went through. Clients cannot set it: the listener starts sessions with an
// environment of its own (PATH only); whoever can set it could run anything.
#pragma once

#include <sys/types.h>

#include <string>

namespace pop3d::session {

struct SandboxProbe {
    enum class Kind { none, socket, kill } kind = Kind::none;
    pid_t target = 0;  // kill: the process to signal
};

// Parses the variable's value (null: none). Pure; an unknown value is none.
SandboxProbe parse_sandbox_probe(const char* value);

// Attempts the call and logs whether it went through. Under the front's
// filter the process dies instead (SIGSYS), and its monitor logs that.
void run_sandbox_probe(const SandboxProbe& probe);

}  // namespace pop3d::session
