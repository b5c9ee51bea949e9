// Where the state file and the UPDATE journal go when the configured state
// directory cannot exist: an account without a home directory (common for
// mail-only accounts) would otherwise never be able to delete a message that
// is not at the end of its mbox (common/mbox/update/rewrite.h needs a
// journal).
//
// The fallback is a directory per maildrop under a root-owned parent
// (limits::state_fallback_root, mode 0711), made by the monitor while it is
// still root and handed to the owner (0700). Users cannot create or rename
// anything in the parent, so root never follows a path a user controls; it
// never looks inside the per-maildrop directory.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/result.h"

namespace pop3d::mbox {

// state_dir: the expanded [mail] state_dir (empty: the administrator wants
// none, and gets none). Returns "" when the owner can make state_dir itself
// (its parent directory exists), else the prepared fallback directory.
Result<std::string> prepare_state_dir_fallback(const std::string& state_dir, const std::string& maildrop,
                                               uid_t uid, gid_t gid,
                                               const std::string& root = "/var/lib/pop3d/state");

}  // namespace pop3d::mbox
