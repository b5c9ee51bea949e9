// Replacing an account file safely: under a lock, through a temporary file
// that is synced and renamed over the old one, so a reader (pop3d-auth)
// sees the old file or the new one, never a mix, and a crash loses nothing.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

#include "common/result.h"
#include "common/secret.h"
#include "common/unique_fd.h"

namespace pop3d::authd {

// Owner and mode for a file that does not exist yet.
struct NewFileOwner {
    uid_t uid = 0;
    gid_t gid = 0;
    mode_t mode = 0600;
};

// An exclusive flock on PATH.lock (kept, not removed: removing a lock file
// races with the next locker), waited for a bounded time.
class FileLock {
public:
    static Result<FileLock> acquire(const std::string& path);

private:
    explicit FileLock(UniqueFd fd) : fd_(std::move(fd)) {}
    UniqueFd fd_;  // closing it releases the flock
};

// Under the lock: reads the file (absent reads as empty), asks `edit` for
// the new contents, and writes them as described above, with `fresh`'s
// owner and mode when run as root, else keeping the old file's (`fresh`
// for a new file).
Status rewrite_file(const std::string& path, const NewFileOwner& fresh,
                    const std::function<Result<Secret>(std::string_view old_text)>& edit);

}  // namespace pop3d::authd
