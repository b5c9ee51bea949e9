#include "common/mbox/locks/file_locks.h"

#include <fcntl.h>
#include <lockfile.h>
#include <sodium.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "common/limits.h"
#include "common/mbox/locks/dotlock.h"
#include "common/mbox/locks/dotlock_keeper.h"

namespace pop3d::mbox {
namespace {

using Outcome = LockTry::Outcome;

LockTry busy(pid_t holder) { return LockTry{Outcome::busy, holder, {}}; }
LockTry taken(std::string note = {}) { return LockTry{Outcome::taken, 0, std::move(note)}; }
LockTry failed(std::string why) { return LockTry{Outcome::failed, 0, std::move(why)}; }

bool set_fcntl(int fd, short type) {
    struct flock fl {};
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    return ::fcntl(fd, F_SETLK, &fl) == 0;
}

// Who holds a conflicting fcntl lock: F_GETLK's l_pid (0 when it is gone by
// now, or held through an open file description lock).
pid_t fcntl_holder(int fd) {
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (::fcntl(fd, F_GETLK, &fl) != 0 || fl.l_type == F_UNLCK) return 0;
    return fl.l_pid > 0 ? fl.l_pid : 0;
}

LockTry attempt_fcntl(int fd) {
    if (set_fcntl(fd, F_WRLCK)) return taken();
    // EINTR cannot come from F_SETLK, but if it did it would be worth another round.
    if (errno == EACCES || errno == EAGAIN || errno == EINTR) return busy(fcntl_holder(fd));
    return failed(std::string("fcntl lock: ") + std::strerror(errno));
}

LockTry attempt_flock(int fd) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return taken();
    if (errno == EWOULDBLOCK || errno == EINTR) return busy(0);  // flock has no F_GETLK
    return failed(std::string("flock: ") + std::strerror(errno));
}

LockTry attempt_dotlock(const std::string& lock, DotlockKeeper* keeper) {
    const DotlockAttempt a = keeper ? keeper->create() : try_dotlock(lock);
    if (a.code == L_SUCCESS) return taken(a.stale_removed ? stale_dotlock_note(lock, a) : std::string());
    if (a.code == L_MAXTRYS) return busy(a.holder);
    if (keeper && a.code == L_ERROR && a.error_number == EPIPE)
        return failed("dotlock " + lock + ": the dotlock keeper (pid " + std::to_string(keeper->pid()) +
                      ") does not answer");
    return failed("dotlock " + lock + ": liblockfile error " + std::to_string(a.code) +
                  (a.error_number != 0 ? std::string(" (") + std::strerror(a.error_number) + ")" : ""));
}

// The locks of one open mbox, in the configured order.
class MboxLockSet final : public LockSet {
public:
    MboxLockSet(int fd, std::string dotlock, std::vector<LockMethod> order, DotlockKeeper* keeper, Notes* notes)
        : fd_(fd), dotlock_(std::move(dotlock)), order_(std::move(order)), keeper_(keeper), notes_(notes) {}

    std::size_t size() const override { return order_.size(); }

    std::string name(std::size_t i) const override {
        switch (order_[i]) {
            case LockMethod::fcntl: return "fcntl";
            case LockMethod::flock: return "flock";
            case LockMethod::dotlock: return "dotlock";
        }
        return "lock";
    }

    LockTry try_lock(std::size_t i) override {
        switch (order_[i]) {
            case LockMethod::fcntl: return attempt_fcntl(fd_);
            case LockMethod::flock: return attempt_flock(fd_);
            case LockMethod::dotlock: return attempt_dotlock(dotlock_, keeper_);
        }
        return failed("unknown lock method");
    }

    void unlock(std::size_t i) override {
        switch (order_[i]) {
            case LockMethod::fcntl:
                if (!set_fcntl(fd_, F_UNLCK)) failed_release(std::string("fcntl unlock: ") + std::strerror(errno));
                break;
            case LockMethod::flock:
                if (::flock(fd_, LOCK_UN) != 0) failed_release(std::string("flock unlock: ") + std::strerror(errno));
                break;
            case LockMethod::dotlock:
                if (keeper_ && keeper_->remove() != 0)
                    failed_release("removing dotlock " + dotlock_ + ": the dotlock keeper (pid " +
                                   std::to_string(keeper_->pid()) + ") could not");
                else if (!keeper_ && lockfile_remove(dotlock_.c_str()) != 0)
                    failed_release("removing dotlock " + dotlock_ + ": " + std::strerror(errno));
                break;
        }
    }

private:
    // Releases run in a destructor: what failed is a note for the caller.
    void failed_release(const std::string& what) { note(notes_, Note::Level::error, "mbox: " + what); }

    int fd_;
    std::string dotlock_;
    std::vector<LockMethod> order_;
    DotlockKeeper* keeper_;
    Notes* notes_;
};

class RealPacer final : public Pacer {
public:
    std::chrono::steady_clock::time_point now() override { return std::chrono::steady_clock::now(); }
    // sleep_for resumes after a signal (libstdc++ loops on nanosleep's EINTR).
    void pause(std::chrono::milliseconds how_long) override { std::this_thread::sleep_for(how_long); }
    std::uint32_t uniform(std::uint32_t upper) override { return randombytes_uniform(upper); }
};

}  // namespace

Result<std::unique_ptr<FileLocks>> FileLocks::take(int fd, const std::string& path,
                                                   const std::vector<LockMethod>& order,
                                                   unsigned timeout_seconds, DotlockKeeper* keeper, Notes* notes) {
    auto set = std::make_unique<MboxLockSet>(fd, path + ".lock", order, keeper, notes);
    RealPacer pacer;
    const AcquirePolicy policy{std::chrono::seconds(timeout_seconds),
                               std::chrono::milliseconds(limits::lock_backoff_min_ms),
                               std::chrono::milliseconds(limits::lock_backoff_max_ms)};
    Acquisition got = acquire_all(*set, policy, pacer);
    if (!got.status) {
        std::string message = got.status.error().message;
        if (got.status.error().kind == ErrorKind::in_use)
            message = "mbox " + path + " stayed locked for " + std::to_string(timeout_seconds) + " s (" +
                      message + ")";
        for (const std::string& note : got.wait.notes) message += "; " + note;
        return make_error(got.status.error().kind, message);
    }
    return std::unique_ptr<FileLocks>(new FileLocks(std::move(set), std::move(got.wait)));
}

FileLocks::~FileLocks() { release_first(*set_, set_->size()); }

void note_lock_wait(Notes* notes, const std::string& path, const char* when, const LockWait& wait) {
    for (const std::string& n : wait.notes) note(notes, Note::Level::warning, "mbox: " + n);
    if (wait.rounds <= 1) return;
    const long long ms = wait.waited.count();
    // Every wait at debug level (tests/e2e/mda_locking_test.cpp reads them),
    // a long one always.
    const Note::Level level =
        ms >= static_cast<long long>(limits::lock_wait_logged_ms) ? Note::Level::notice : Note::Level::debug;
    note(notes, level,
         "mbox: waited " + std::to_string(ms) + " ms at " + when + " for the locks of " + path + " (" +
             std::to_string(wait.rounds) + " rounds; last " + describe_busy(wait) + ")");
}

}  // namespace pop3d::mbox
