// One POP3 session per maildrop (RFC 1939 section 8: the maildrop is locked
// for the whole session). This lock must not be an fcntl/flock lock on the
// mbox itself, which would make delivery agents wait for the whole session,
// and it must vanish when the session's process dies however it dies.
//
// With a state directory (the user's own, mode 0700): flock on the
// maildrop's own lock file there (common/mbox/state/state_names.h). The
// kernel drops it with the last descriptor, and no other user can take or
// squat it.
// Without one: a unix socket bound in the abstract namespace, which the
// kernel frees with the socket. Any local user can bind any abstract name
// first, so the name is keyed: BLAKE2b of the owner's uid and the mbox's
// path under a key only root can read (session_lock_key.h), which the
// monitor loads before it gives up root. Nobody without the key can compute
// the name to squat it. Without a key (single-user mode, where nobody else's
// sessions share the host's pop3d) the name is unkeyed.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/unique_fd.h"

namespace pop3d::mbox {

class SessionLock {
public:
    // lock_path: the lock file in the state directory, or empty for the
    // abstract socket named with `key`. ErrorKind::in_use when another
    // session holds it; temporary on I/O errors.
    static Result<std::unique_ptr<SessionLock>> take(const std::string& lock_path, const std::string& mbox_path,
                                                     std::string_view key);

private:
    explicit SessionLock(int fd) : fd_(fd) {}
    UniqueFd fd_;  // closing it lets the lock go
};

// The abstract name (without the leading NUL), for tests. Pure.
std::string session_lock_name(uid_t uid, const std::string& mbox_path, std::string_view key);

}  // namespace pop3d::mbox
