// The session after login: it becomes the mailbox owner for good before it
// touches the maildrop, so every file access is the user's own.
#pragma once

#include "common/result.h"
#include "sessiond/login_check.h"

namespace pop3d::session {

// As root: setgroups (the owner's groups), setgid, setuid to the owner,
// then drops every capability. Either way: no_new_privs and RLIMIT_CORE 0.
// Any failure must end the session.
Status become_mailbox_owner(const Login& login, bool as_root);

}  // namespace pop3d::session
