// Taking several locks on one mbox (fcntl, dotlock, flock) without ever
// waiting for one while holding another. Each lock, in the configured order,
// is only tried; when one is busy, every lock already held is let go, the
// loop pauses a short random time and starts again from the first, until the
// deadline. Whatever order another program takes the same locks in, and even
// if it waits on one while holding another (procmail and Postfix's local
// hold the dotlock while they wait for fcntl), no cycle can form: pop3d
// never holds a lock while it waits, so the other program gets whatever
// pop3d held within one attempt. The random pause keeps two pop3d sessions
// (or pop3d and another program retrying the same way) from meeting in step.
//
// The loop does no I/O of its own: the locks and the clock sit behind two
// small interfaces, so tests drive it with fake locks and a fake clock
// (tests/common/mbox/locks/lock_acquisition_test.cpp); file_locks.cpp has the real
// ones.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace pop3d::mbox {

// What one try of one lock found.
struct LockTry {
    enum class Outcome { taken, busy, failed };
    Outcome outcome = Outcome::failed;
    pid_t holder = 0;     // busy: the process holding it, 0 when unknown
    std::string message;  // failed: why; otherwise a note for the log (may be empty)
};

// The locks to take, in their order of acquisition.
class LockSet {
public:
    virtual ~LockSet() = default;
    virtual std::size_t size() const = 0;
    // For messages: "fcntl", "dotlock", "flock".
    virtual std::string name(std::size_t i) const = 0;
    // One attempt; never blocks.
    virtual LockTry try_lock(std::size_t i) = 0;
    // Lets go of lock i, held.
    virtual void unlock(std::size_t i) = 0;
};

// Time and chance, for the loop.
class Pacer {
public:
    virtual ~Pacer() = default;
    virtual std::chrono::steady_clock::time_point now() = 0;
    virtual void pause(std::chrono::milliseconds how_long) = 0;
    // Uniform in [0, upper), upper > 0.
    virtual std::uint32_t uniform(std::uint32_t upper) = 0;
};

struct AcquirePolicy {
    std::chrono::milliseconds timeout;
    std::chrono::milliseconds backoff_min;
    std::chrono::milliseconds backoff_max;
};

// What taking the locks cost, for the caller to log.
struct LockWait {
    std::chrono::milliseconds waited{0};
    unsigned rounds = 1;          // attempts from the first lock; 1 = none busy
    std::string busy_lock;        // the last lock found busy, empty if none
    pid_t holder = 0;             // its holder when known
    std::vector<std::string> notes;  // what the locks reported (a stale dotlock removed)
};

struct Acquisition {
    // ok: every lock of the set is held. in_use: some lock stayed busy until
    // the deadline; temporary: a lock failed. Not ok: none is held.
    Status status;
    LockWait wait;
};

[[nodiscard]] Acquisition acquire_all(LockSet& locks, const AcquirePolicy& policy, Pacer& pacer);

// Lets go of the first `held` locks of the set, last taken first.
void release_first(LockSet& locks, std::size_t held);

// "dotlock held by pid 812", "fcntl lock held by another process".
std::string describe_busy(const LockWait& wait);

}  // namespace pop3d::mbox
