#include "common/mbox/locks/lock_acquisition.h"

#include <algorithm>

namespace pop3d::mbox {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

milliseconds random_backoff(const AcquirePolicy& policy, Pacer& pacer) {
    const auto low = policy.backoff_min.count();
    const auto high = std::max(policy.backoff_max.count(), low);
    const auto span = static_cast<std::uint32_t>(high - low + 1);
    return milliseconds(low + pacer.uniform(span));
}

}  // namespace

void release_first(LockSet& locks, std::size_t held) {
    while (held > 0) locks.unlock(--held);
}

std::string describe_busy(const LockWait& wait) {
    if (wait.busy_lock.empty()) return "no lock was busy";
    std::string what = wait.busy_lock == "dotlock" ? "dotlock" : wait.busy_lock + " lock";
    return what + " held by " +
           (wait.holder > 0 ? "pid " + std::to_string(wait.holder) : std::string("another process"));
}

Acquisition acquire_all(LockSet& locks, const AcquirePolicy& policy, Pacer& pacer) {
    Acquisition out;
    const auto start = pacer.now();
    const auto deadline = start + policy.timeout;
    auto finish = [&](Status status) {
        out.status = std::move(status);
        out.wait.waited = duration_cast<milliseconds>(pacer.now() - start);
        return std::move(out);
    };
    for (;;) {
        std::size_t held = 0;
        bool busy = false;
        while (held < locks.size()) {
            LockTry t = locks.try_lock(held);
            if (t.outcome == LockTry::Outcome::taken) {
                if (!t.message.empty()) out.wait.notes.push_back(std::move(t.message));
                ++held;
                continue;
            }
            // Whatever stopped this round, nothing stays held while we wait
            // or give up.
            release_first(locks, held);
            if (t.outcome == LockTry::Outcome::failed)
                return finish(make_error(ErrorKind::temporary, std::move(t.message)));
            out.wait.busy_lock = locks.name(held);
            out.wait.holder = t.holder;
            busy = true;
            break;
        }
        if (!busy) return finish({});
        const auto now = pacer.now();
        if (now >= deadline) return finish(make_error(ErrorKind::in_use, describe_busy(out.wait)));
        const auto left = duration_cast<milliseconds>(deadline - now) + milliseconds(1);
        pacer.pause(std::min(random_backoff(policy, pacer), left));
        ++out.wait.rounds;
    }
}

}  // namespace pop3d::mbox
