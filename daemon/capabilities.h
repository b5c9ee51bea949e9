// The listener's capabilities. It keeps, in its bounding set and its own
// sets, only what the sessions it starts need, so that no process it ever
// starts can regain anything else (a bounding set only shrinks):
//   CAP_SETUID, CAP_SETGID   the session becomes pop3d, pop3d-auth, the user
//   CAP_SYS_CHROOT           the front chroots to an empty directory
//   CAP_NET_BIND_SERVICE     the listener itself binds port 110 (and again
//                            after a SIGHUP that changes the addresses)
// Not kept, on purpose: CAP_KILL (the monitor ends its front and pop3d-auth
// by closing their socketpairs, never by signals to other uids),
// CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (root owns the configuration,
// /etc/shadow and the chroot; the maildrop is opened as its owner), and
// CAP_SETPCAP (nothing after this point changes a bounding set).
#pragma once

#include <linux/capability.h>

#include <initializer_list>

#include "common/result.h"

namespace pop3d::daemon {

inline constexpr std::initializer_list<int> kept_capabilities = {
    CAP_SETGID, CAP_SETUID, CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT};

// Drops every other capability from the bounding set, then sets the
// process's permitted and effective sets to the kept ones. Needs root.
Status keep_only_session_capabilities();

}  // namespace pop3d::daemon
