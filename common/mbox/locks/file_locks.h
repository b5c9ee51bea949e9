// The locks a Debian delivery agent and other mail readers honour on an
// mbox: fcntl (F_SETLK on the whole file), flock, and the MBOX.lock dotlock
// by liblockfile's rules. Where the spool is not writable by the user
// (Debian's /var/mail) the dotlock is made by the DotlockKeeper process
// (dotlock_keeper.h), because liblockfile's setgid helper cannot work under
// no_new_privs. Taken in the configured order by acquire_all
// (lock_acquisition.h), which never waits for one while holding another;
// this file holds only the real attempts behind its interface. Released in
// reverse order by the destructor.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/mbox/locks/lock_acquisition.h"
#include "common/mbox/notes.h"
#include "common/result.h"

namespace pop3d::mbox {

class DotlockKeeper;

class FileLocks {
public:
    // fd is the mbox open read-write; path its name (for the dotlock).
    // Waiting ends after timeout_seconds: ErrorKind::in_use, the message
    // naming the busy lock and its holder when known. Other failures:
    // ErrorKind::temporary. Nothing stays locked on failure.
    // A keeper, when given, makes the dotlock (see dotlock_keeper.h). A
    // release that fails (in the destructor) is a note in `notes`, which
    // must outlive the locks.
    static Result<std::unique_ptr<FileLocks>> take(int fd, const std::string& path,
                                                   const std::vector<LockMethod>& order,
                                                   unsigned timeout_seconds,
                                                   DotlockKeeper* keeper = nullptr, Notes* notes = nullptr);
    ~FileLocks();
    FileLocks(const FileLocks&) = delete;
    FileLocks& operator=(const FileLocks&) = delete;

    // How long taking them took and what was met on the way, for the
    // caller's log (see note_lock_wait).
    const LockWait& wait() const { return wait_; }

private:
    FileLocks(std::unique_ptr<LockSet> set, LockWait wait) : set_(std::move(set)), wait_(std::move(wait)) {}

    std::unique_ptr<LockSet> set_;
    LockWait wait_;
};

// Notes what a caller of FileLocks::take should log: every note (a stale
// dotlock removed), and a wait of limits::lock_wait_logged_ms or more with
// the lock that was busy and its holder (a shorter one at debug level).
// `when` says at what point ("open", "update").
void note_lock_wait(Notes* notes, const std::string& path, const char* when, const LockWait& wait);

}  // namespace pop3d::mbox
