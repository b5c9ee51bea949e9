// pop3d-auth's seccomp allow-list (libseccomp): once it serves requests it
// only reads files (opened read-only), talks on its socket and to syslog
// (both open already: no new socket), hashes and sleeps.
// Any other system call kills the process; the monitor then sees the
// helper gone and refuses the login with [SYS/TEMP].
#pragma once

#include "common/result.h"

namespace pop3d::authd {

// Needs no_new_privs (or CAP_SYS_ADMIN). Applies to this process for good.
Status install_syscall_filter();

}  // namespace pop3d::authd
