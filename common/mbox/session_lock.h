// One POP3 session per maildrop (RFC 1939 section 8: the maildrop is locked
// for the whole session). This lock must not be an fcntl/flock lock on the
// mbox itself, which would make delivery agents wait for the whole session,
// and it must vanish when the session's process dies however it dies.
//
// With a state directory (the user's own, mode 0700): flock on
// STATE_DIR/session.lock. The kernel drops it with the last descriptor, and
// no other user can take or squat it.
// Without one: a unix socket bound in the abstract namespace to a name
// derived from the user and the mbox's path. The kernel frees the name with
// the socket; the price is that another local user who guesses the name
// could hold it and keep this user from logging in, so this is the fallback
// only (the daemon logs the refusal, and a state_dir avoids it).
#pragma once

#include <memory>
#include <string>

#include "common/result.h"

namespace pop3d::mbox {

class SessionLock {
public:
    // ErrorKind::in_use when another session holds it; temporary on I/O errors.
    static Result<std::unique_ptr<SessionLock>> take(const std::string& state_dir,
                                                     const std::string& mbox_path);
    ~SessionLock();
    SessionLock(const SessionLock&) = delete;
    SessionLock& operator=(const SessionLock&) = delete;

private:
    explicit SessionLock(int fd) : fd_(fd) {}
    int fd_;
};

}  // namespace pop3d::mbox
