#include "sessiond/attempt_deadline.h"

#include <cerrno>

namespace pop3d::session {

AttemptDeadline::AttemptDeadline(std::chrono::milliseconds delay) {
    clock_gettime(CLOCK_MONOTONIC, &at_);  // cannot fail with a valid clock and pointer
    long long ms = delay.count();
    at_.tv_sec += static_cast<time_t>(ms / 1000);
    at_.tv_nsec += static_cast<long>(ms % 1000) * 1000000L;
    if (at_.tv_nsec >= 1000000000L) {
        at_.tv_sec += 1;
        at_.tv_nsec -= 1000000000L;
    }
}

void AttemptDeadline::wait() const {
    // An absolute deadline: a signal that interrupts the sleep does not
    // stretch it.
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at_, nullptr) == EINTR) {
    }
}

}  // namespace pop3d::session
