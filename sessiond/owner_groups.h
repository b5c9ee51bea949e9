// The mailbox owner's supplementary groups, as a login would give them
// (getgrouplist), looked up in a child of the monitor that then exits: the
// NSS modules the lookup loads (on Debian libnss_systemd and the libm it
// pulls in) would otherwise stay mapped in the session for its whole life,
// about 100 KiB of every idle session (`make bench`, M6). The child keeps none of
// the monitor's descriptors but its pipe; the monitor takes only a whole,
// bounded, non-empty list from a child that exited 0, and waits at most
// limits::group_lookup_seconds (then kills it: ErrorKind::temporary).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/result.h"

namespace pop3d::session {

Result<std::vector<gid_t>> owner_groups(const std::string& owner, gid_t gid);

}  // namespace pop3d::session
