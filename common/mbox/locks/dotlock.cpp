#include "common/mbox/locks/dotlock.h"

#include <fcntl.h>
#include <lockfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <signal.h>

#include <cerrno>
#include <ctime>

#include "common/fd_io.h"
#include "common/unique_fd.h"

namespace pop3d::mbox {
namespace {

// liblockfile's age limit for a lock without a pid (lockfile_create(3)).
constexpr std::time_t dotlock_stale_seconds = 300;

}  // namespace

pid_t dotlock_holder(const std::string& lock_path) {
    // O_NONBLOCK: a FIFO planted in the lock's place must not hang us.
    const UniqueFd fd(::open(lock_path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd.valid()) return 0;
    char buf[16];  // liblockfile reads at most 16 bytes too
    const auto got = read_up_to(fd.get(), buf, sizeof buf - 1);
    if (!got || *got == 0) return 0;
    const std::size_t n = *got;
    long pid = 0;
    for (std::size_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9' && pid < 1000000000L; ++i)
        pid = pid * 10 + (buf[i] - '0');
    return pid > 0 && pid < 1000000000L ? static_cast<pid_t>(pid) : 0;
}

DotlockAttempt try_dotlock(const std::string& lock_path) {
    DotlockAttempt a;
    // What is there now, judged by liblockfile's rules. Not lockfile_check()
    // itself: it takes the lock file's access time before its own read as
    // "now", so the first check of an old lock nobody read says "valid" and
    // only the next one "stale"; lockfile_create's check below decides what
    // is removed, this one only what is logged. A stale lock seen here and
    // gone when we get the lock was removed as stale (by lockfile_create, or
    // by another program applying the same rule).
    struct stat st {};
    const bool present = ::lstat(lock_path.c_str(), &st) == 0;
    const pid_t named = present ? dotlock_holder(lock_path) : 0;
    const std::time_t now = std::time(nullptr);
    const bool stale = present && (named > 0 ? ::kill(named, 0) != 0 && errno == ESRCH
                                             : now - st.st_mtime >= dotlock_stale_seconds);

    errno = 0;
    a.code = lockfile_create(lock_path.c_str(), 0, L_PID);
    a.error_number = errno;
    if (a.code == L_SUCCESS && stale) {
        a.stale_removed = true;
        a.stale_pid = named;
        a.stale_age_seconds = static_cast<std::int64_t>(now - st.st_mtime);
    } else if (a.code == L_MAXTRYS) {
        a.holder = dotlock_holder(lock_path);
    }
    return a;
}

std::string stale_dotlock_note(const std::string& lock_path, const DotlockAttempt& attempt) {
    return "removed stale dotlock " + lock_path + " (" +
           (attempt.stale_pid > 0 ? "its pid " + std::to_string(attempt.stale_pid) + " is gone"
                                  : "no pid in it, " + std::to_string(attempt.stale_age_seconds) +
                                        " s old") +
           ")";
}

}  // namespace pop3d::mbox
