// The front's sandbox after its setup (issue 11, item 4): a seccomp
// allow-list (libseccomp) and resource limits. The front is the one process
// that parses what any client on the network sends before login; taken
// over, it should be able to do no more than talk to its own client and its
// own monitor: no new sockets (no AF_INET to localhost-only services or
// metadata addresses), no signals to other fronts (they all run as the same
// [privsep] user), no files, no processes.
#pragma once

#include "common/result.h"

namespace pop3d::session {

// RLIMIT_NOFILE at the descriptors open now (plus the one a TLS relay
// receives at login),
// RLIMIT_FSIZE 0 (no file can grow) and RLIMIT_NPROC 0 (no fork), hard
// limits included, then the filter. A call outside the list kills the
// process (SIGSYS), which its monitor reports. Needs no_new_privs. Applies
// to this process for good.
Status enter_front_sandbox();

}  // namespace pop3d::session
