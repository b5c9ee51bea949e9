#include "common/mbox/file_locks.h"

#include <fcntl.h>
#include <lockfile.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "common/limits.h"
#include "common/mbox/dotlock_keeper.h"
#include "common/log.h"

namespace pop3d::mbox {
namespace {

using Clock = std::chrono::steady_clock;

enum class Attempt { taken, busy, failed };

Attempt try_fcntl(int fd, std::string& why) {
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (::fcntl(fd, F_SETLK, &fl) == 0) return Attempt::taken;
    if (errno == EACCES || errno == EAGAIN || errno == EINTR) return Attempt::busy;
    why = std::string("fcntl lock: ") + std::strerror(errno);
    return Attempt::failed;
}

Attempt try_flock(int fd, std::string& why) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return Attempt::taken;
    if (errno == EWOULDBLOCK || errno == EINTR) return Attempt::busy;
    why = std::string("flock: ") + std::strerror(errno);
    return Attempt::failed;
}

// One attempt (retries 0): liblockfile removes a stale lock (dead pid, or
// older than its limit) by its own rules and reports a live one as
// L_MAXTRYS; we wait between attempts ourselves to honour lock_timeout.
Attempt try_dotlock(const std::string& lock, DotlockKeeper* keeper, std::string& why) {
    const int r = keeper ? keeper->create() : lockfile_create(lock.c_str(), 0, L_PID);
    if (r == L_SUCCESS) return Attempt::taken;
    if (r == L_MAXTRYS) return Attempt::busy;
    why = "dotlock " + lock + ": liblockfile error " + std::to_string(r) +
          (r == L_ERROR ? std::string(" (") + std::strerror(errno) + ")" : "");
    return Attempt::failed;
}

}  // namespace

Result<std::unique_ptr<FileLocks>> FileLocks::take(int fd, const std::string& path,
                                                   const std::vector<LockMethod>& order,
                                                   unsigned timeout_seconds, DotlockKeeper* keeper) {
    std::unique_ptr<FileLocks> locks(new FileLocks(fd, path + ".lock", keeper));
    const auto deadline = Clock::now() + std::chrono::seconds(timeout_seconds);
    for (LockMethod method : order) {
        for (;;) {
            std::string why;
            Attempt a = Attempt::failed;
            switch (method) {
                case LockMethod::fcntl: a = try_fcntl(fd, why); break;
                case LockMethod::flock: a = try_flock(fd, why); break;
                case LockMethod::dotlock: a = try_dotlock(locks->dotlock_, keeper, why); break;
            }
            if (a == Attempt::taken) {
                locks->held_.push_back(method);
                break;
            }
            if (a == Attempt::failed) return make_error(ErrorKind::temporary, why);
            if (Clock::now() >= deadline)
                return make_error(ErrorKind::in_use, "mbox " + path + " stayed locked for " +
                                                         std::to_string(timeout_seconds) + " s");
            std::this_thread::sleep_for(std::chrono::milliseconds(limits::lock_retry_ms));
        }
    }
    return locks;
}

FileLocks::~FileLocks() { release(); }

void FileLocks::release() {
    for (auto it = held_.rbegin(); it != held_.rend(); ++it) {
        switch (*it) {
            case LockMethod::fcntl: {
                struct flock fl {};
                fl.l_type = F_UNLCK;
                fl.l_whence = SEEK_SET;
                if (::fcntl(fd_, F_SETLK, &fl) != 0)
                    log::error("mbox: fcntl unlock: %s", std::strerror(errno));
                break;
            }
            case LockMethod::flock:
                if (::flock(fd_, LOCK_UN) != 0) log::error("mbox: flock unlock: %s", std::strerror(errno));
                break;
            case LockMethod::dotlock:
                if ((keeper_ ? keeper_->remove() : lockfile_remove(dotlock_.c_str())) != 0)
                    log::error("mbox: removing dotlock %s: %s", dotlock_.c_str(), std::strerror(errno));
                break;
        }
    }
    held_.clear();
}

}  // namespace pop3d::mbox
