// One attempt at MBOX.lock by liblockfile's rules (lockfile_create with no
// retries and L_PID), told back with what a log line needs: the holder of a
// live lock, and whether a stale one had to go first.
//
// Stale by liblockfile's rules: the pid written in the lock is dead, or,
// with no pid in it (procmail writes "0"), the lock is older than 5 minutes
// (procmail's own limit, 1024 s, is longer, so a lock procmail would break
// is broken here too). Such a lock is removed by lockfile_create itself; we
// look at it just before, so that its removal can be logged. Called in the dotlock keeper (dotlock_keeper.h) on a
// spool the user cannot write, in the session otherwise.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace pop3d::mbox {

struct DotlockAttempt {
    int code = 0;           // lockfile_create's L_* code; L_MAXTRYS: held by a live process
    int error_number = 0;   // errno after an L_ERROR and the like
    pid_t holder = 0;       // L_MAXTRYS: the pid written in the lock, 0 if none
    bool stale_removed = false;
    pid_t stale_pid = 0;    // the pid the stale lock named, 0 if none
    std::int64_t stale_age_seconds = 0;
};

DotlockAttempt try_dotlock(const std::string& lock_path);

// The pid written in a lock file (as liblockfile and dotlockfile -p write
// it), 0 when there is none or the file cannot be read.
pid_t dotlock_holder(const std::string& lock_path);

// The log line for a stale lock that was removed.
std::string stale_dotlock_note(const std::string& lock_path, const DotlockAttempt& attempt);

}  // namespace pop3d::mbox
