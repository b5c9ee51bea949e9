// The one way this project starts and reaps a child process: the child's
// descriptors from an explicit map (child_descriptors.h), then either a
// program (posix_spawn) or a function (fork); and a reap bounded in time
// that waits on a pidfd (no sleep polling) and kills a child that outstays
// it.
#pragma once

#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "common/child_descriptors.h"
#include "common/result.h"

namespace pop3d {

// The status of a child whose set-up failed between fork and its job.
inline constexpr int child_setup_failed = 127;

struct ProgramCommand {
    std::string program;  // an absolute path; no PATH search
    std::vector<std::string> argv;
    std::vector<std::string> environment;  // the whole environment, NAME=value
};

// Starts `command` (posix_spawn) with the descriptors of `fds` and the
// signal mask `mask`. An exec failure is an error ("cannot run PROGRAM:
// reason"), its child already reaped.
Result<pid_t> spawn_program(const ProgramCommand& command, const DescriptorMap& fds, const sigset_t& mask);

// Forks; in the child, closes the syslog connection (glibc's socket is one
// of the descriptors the map closes), applies `fds` and returns 0. Use
// through spawn_function.
Result<pid_t> fork_with(const DescriptorMap& fds);

// Forks a child that runs `body` with the descriptors of `fds` and exits
// with what it returns; only the parent returns from here. Between fork and
// body nothing but system calls runs.
template <class Body>
Result<pid_t> spawn_function(const DescriptorMap& fds, Body&& body) {
    auto pid = fork_with(fds);
    if (!pid || *pid > 0) return pid;
    _exit(body());
}

// How a reaped child ended.
struct ChildEnd {
    enum class How {
        exited,      // on its own, in time: status is its wait status
        killed,      // it outstayed the limit and was killed: status says so
        unkillable,  // it outstayed the limit and kill failed (error): not reaped
        lost,        // waitpid failed (error): not ours, or already reaped
    };
    How how = How::lost;
    int status = 0;
    int error = 0;

    // It exited in time with status 0.
    bool succeeded() const;
    // It was killed by a signal other than our SIGKILL (0: it was not).
    int signal() const;
};

// Waits at most `limit` for `pid` to end, then kills it with SIGKILL and
// reaps it. The wait is a poll on a pidfd, so a child that ends at once
// costs no sleep.
ChildEnd reap_within(pid_t pid, std::chrono::milliseconds limit);

}  // namespace pop3d
