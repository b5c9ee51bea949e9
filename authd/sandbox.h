// What pop3d-auth gives up before it reads its first request.
#pragma once

#include "common/config.h"
#include "common/result.h"

namespace pop3d::authd {

// As root: becomes [privsep] auth_user with [privsep] auth_group (shadow,
// to read /etc/shadow) as its only supplementary group. Started by another
// user (the single-user mode), it keeps that user. Either way it then drops
// every capability and sets no_new_privs, RLIMIT_CORE 0 and PR_SET_DUMPABLE 0.
Status enter_sandbox(const PrivsepConfig& privsep);

}  // namespace pop3d::authd
