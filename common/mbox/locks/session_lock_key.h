// The key that makes the abstract session-lock names unguessable
// (session_lock.h): 32 random bytes in a file only root can read, made by
// the first monitor that needs it and read by every later one while still
// root. It lives in /run: abstract names do not outlive a boot either.
#pragma once

#include <string>

#include "common/result.h"
#include "common/secret.h"

namespace pop3d::mbox {

// Reads the key at `path`, making it first if there is none (atomically:
// written to a temporary file, then linked into place, so a concurrent
// monitor reads either no file or a whole one). The directory is made 0755
// if missing and must be root's and writable by nobody else; the file must
// be root's, a regular file, not readable or writable by anyone else, and
// exactly 32 bytes. Needs root.
Result<Secret> load_session_lock_key(const std::string& path);

}  // namespace pop3d::mbox
