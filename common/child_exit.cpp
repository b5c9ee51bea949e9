#include "common/child_exit.h"

#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "common/unique_fd.h"

namespace pop3d {
namespace {

using Clock = std::chrono::steady_clock;

long long millis_left(Clock::time_point deadline) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
}

}  // namespace

ChildWait wait_for_child(pid_t pid, Clock::time_point deadline, int* status) {
    UniqueFd exited(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    for (;;) {
        pid_t r = ::waitpid(pid, status, WNOHANG);
        if (r == pid) return ChildWait::exited;
        if (r < 0 && errno != EINTR) return ChildWait::gone;
        long long left = millis_left(deadline);
        if (left <= 0) return ChildWait::running;
        if (exited.valid()) {
            // Readable once the child has exited; EINTR or not, the loop
            // asks waitpid again.
            pollfd p{exited.get(), POLLIN, 0};
            (void)::poll(&p, 1, static_cast<int>(left < INT_MAX ? left : INT_MAX));
        } else {
            const timespec step{0, 1000 * 1000};
            (void)::nanosleep(&step, nullptr);
        }
    }
}

}  // namespace pop3d
