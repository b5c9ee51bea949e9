// Waiting for a child's exit up to a deadline. The wait is a poll on a pidfd,
// so a child that exits at once costs no sleep (a loop of waitpid(WNOHANG)
// and sleeps would make every session wait out a sleep step for its front or
// its pop3d-auth); a kernel without pidfd_open (before 5.3) gets the loop,
// in steps of one millisecond.
#pragma once

#include <sys/types.h>

#include <chrono>

namespace pop3d {

enum class ChildWait {
    exited,   // reaped; its wait status is in *status
    running,  // still running at the deadline (not reaped)
    gone,     // waitpid failed: not (or no longer) a child of this process
};

ChildWait wait_for_child(pid_t pid, std::chrono::steady_clock::time_point deadline, int* status);

}  // namespace pop3d
