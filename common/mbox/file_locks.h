// The locks a Debian delivery agent and other mail readers honour on an
// mbox, taken in the configured order with one deadline for all of them:
// fcntl (F_SETLK on the whole file), flock, and the MBOX.lock dotlock made
// through liblockfile (whose setgid helper creates it where the mail spool
// is not writable by the user). Released in reverse order by the destructor.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/result.h"

namespace pop3d::mbox {

class DotlockKeeper;

class FileLocks {
public:
    // fd is the mbox open read-write; path its name (for the dotlock).
    // Waiting ends after timeout_seconds: ErrorKind::in_use. Other failures:
    // ErrorKind::temporary. Nothing stays locked on failure.
    // A keeper, when given, makes the dotlock (see dotlock_keeper.h).
    static Result<std::unique_ptr<FileLocks>> take(int fd, const std::string& path,
                                                   const std::vector<LockMethod>& order,
                                                   unsigned timeout_seconds,
                                                   DotlockKeeper* keeper = nullptr);
    ~FileLocks();
    FileLocks(const FileLocks&) = delete;
    FileLocks& operator=(const FileLocks&) = delete;

private:
    FileLocks(int fd, std::string dotlock, DotlockKeeper* keeper)
        : fd_(fd), dotlock_(std::move(dotlock)), keeper_(keeper) {}
    void release();

    int fd_;
    std::string dotlock_;
    DotlockKeeper* keeper_;
    std::vector<LockMethod> held_;
};

}  // namespace pop3d::mbox
