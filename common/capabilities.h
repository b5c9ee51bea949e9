// The capabilities of the root processes: the listener and, until login, a
// session's monitor. Each keeps, in its bounding set and its own sets, only
// what sessions need, so that no process it starts can regain anything else
// (a bounding set only shrinks):
//   CAP_SETUID, CAP_SETGID   the session becomes pop3d, pop3d-auth, the user
//   CAP_SYS_CHROOT           the front chroots to an empty directory
//   CAP_CHOWN                the monitor hands an account without a home the
//                            state directory it made for it under a root-owned
//                            parent (common/mbox/state/state_dir_fallback.h)
//   CAP_KILL                 the monitor ends a front that does not exit
//                            (all fronts run as one [privsep] user, which is
//                            not root's); a per-session uid would do too but
//                            needs a range of unused uids configured, and
//                            CAP_KILL adds nothing a root process with
//                            CAP_SETUID could not do by becoming the target.
//                            Dropped at login with everything else.
//   CAP_SETPCAP              the front, pop3d-auth and the logged-in session
//                            are started with an empty bounding set, which
//                            root must cut before it switches to them
//   CAP_NET_BIND_SERVICE     the listener only: it binds port 110 (and again
//                            after a SIGHUP that changes the addresses)
// Not kept, on purpose: CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (root owns
// the configuration, /etc/shadow and the chroot; the maildrop is opened as
// its owner). CAP_SETPCAP adds nothing to what these give: it can only
// shrink a bounding set, or fill the inheritable set from it.
#pragma once

#include <linux/capability.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "common/result.h"

namespace pop3d::capabilities {

inline constexpr std::initializer_list<int> session = {CAP_CHOWN, CAP_KILL, CAP_SETGID, CAP_SETUID,
                                                       CAP_SETPCAP, CAP_SYS_CHROOT};
inline constexpr std::initializer_list<int> listener = {CAP_CHOWN, CAP_KILL, CAP_SETGID, CAP_SETUID,
                                                        CAP_SETPCAP, CAP_SYS_CHROOT, CAP_NET_BIND_SERVICE};

// Drops every capability not in `kept` from the bounding set, then sets the
// permitted and effective sets to those of `kept` it has, and returns the
// others (withheld by a service manager, say), for the caller to log with
// withheld_warning: only what needs them then fails. Without CAP_SETPCAP
// the bounding set cannot shrink; that is accepted only if it holds nothing
// beyond `listener` (a session started by the listener, which cut the set
// and took CAP_SETPCAP with it), else an error. Needs root.
Result<std::vector<int>> keep_only(std::initializer_list<int> kept);

// The log line for one capability keep_only found withheld.
std::string withheld_warning(int cap);

}  // namespace pop3d::capabilities
