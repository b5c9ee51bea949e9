#include "common/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <syslog.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "common/unique_fd.h"

namespace pop3d {
namespace {

Error spawn_error(const std::string& what, int err) {
    return make_error(ErrorKind::temporary, what + ": " + std::strerror(err));
}

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (std::string& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

// posix_spawn's file actions and attributes, released with the object.
class SpawnSetup {
public:
    SpawnSetup() {
        actions_ok_ = ::posix_spawn_file_actions_init(&actions_) == 0;
        attr_ok_ = ::posix_spawnattr_init(&attr_) == 0;
    }
    ~SpawnSetup() {
        if (actions_ok_) ::posix_spawn_file_actions_destroy(&actions_);
        if (attr_ok_) ::posix_spawnattr_destroy(&attr_);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;

    // The map's steps as file actions, and the signal mask: 0 or an errno.
    int prepare(const DescriptorMap& fds, const sigset_t& mask) {
        if (!actions_ok_ || !attr_ok_) return ENOMEM;
        DescriptorMap::Plan steps;
        const int n = fds.plan(steps);
        if (n < 0) return EINVAL;
        for (int i = 0; i < n; ++i) {
            const DescriptorStep& st = steps[static_cast<std::size_t>(i)];
            int rc = 0;
            switch (st.kind) {
                case DescriptorStep::Kind::copy: rc = ::posix_spawn_file_actions_adddup2(&actions_, st.from, st.to); break;
                case DescriptorStep::Kind::open_null:
                    rc = ::posix_spawn_file_actions_addopen(&actions_, st.to, "/dev/null", O_RDWR, 0);
                    break;
                // glibc ignores a close that finds nothing open.
                case DescriptorStep::Kind::close: rc = ::posix_spawn_file_actions_addclose(&actions_, st.to); break;
                case DescriptorStep::Kind::close_from:
                    rc = ::posix_spawn_file_actions_addclosefrom_np(&actions_, st.to);
                    break;
            }
            if (rc != 0) return rc;
        }
        if (int rc = ::posix_spawnattr_setsigmask(&attr_, &mask); rc != 0) return rc;
        return ::posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETSIGMASK);
    }
    const posix_spawn_file_actions_t* actions() const { return &actions_; }
    const posix_spawnattr_t* attr() const { return &attr_; }

private:
    bool actions_ok_ = false, attr_ok_ = false;
    posix_spawn_file_actions_t actions_;
    posix_spawnattr_t attr_;
};

}  // namespace

bool ChildEnd::succeeded() const { return how == How::exited && WIFEXITED(status) && WEXITSTATUS(status) == 0; }

int ChildEnd::signal() const { return how == How::exited && WIFSIGNALED(status) ? WTERMSIG(status) : 0; }

Result<pid_t> spawn_program(const ProgramCommand& command, const DescriptorMap& fds, const sigset_t& mask) {
    std::vector<std::string> argv = command.argv, environment = command.environment;
    const std::vector<char*> argv_p = pointers_to(argv), envp = pointers_to(environment);
    SpawnSetup setup;
    if (int rc = setup.prepare(fds, mask); rc != 0) return spawn_error("preparing " + command.program, rc);
    // posix_spawn, not fork: glibc's runs the child on this process's memory
    // until the exec (CLONE_VM | CLONE_VFORK), so no page table is copied
    // and no page (the monitor holds OpenSSL and the TLS context by then) is
    // made copy-on-write for a child about to exec; an exec that fails is
    // reported here, and that child reaped by glibc.
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, command.program.c_str(), setup.actions(), setup.attr(), argv_p.data(), envp.data());
    if (rc != 0) return spawn_error("cannot run " + command.program, rc);
    return pid;
}

Result<pid_t> fork_with(const DescriptorMap& fds) {
    const pid_t pid = ::fork();
    if (pid < 0) return spawn_error("fork", errno);
    if (pid > 0) return pid;
    // glibc's syslog socket is forgotten first: the map closes it, and a
    // later syslog() (an NSS module's, say) would send to whatever took
    // its number.
    ::closelog();
    if (!fds.apply()) _exit(child_setup_failed);
    return pid;
}

ChildEnd reap_within(pid_t pid, std::chrono::milliseconds limit) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + limit;
    ChildEnd end;
    bool ended = false;
    // A pidfd turns readable when the child ends; it is opened now, not at
    // fork: a child not yet reaped keeps its pid, so this cannot name
    // another process.
    UniqueFd exited(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    while (exited.valid() && !ended) {
        // Rounded up, so that the limit is waited in full.
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) break;
        pollfd p{exited.get(), POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, INT_MAX)));
        if (ready < 0 && errno != EINTR) break;
        ended = ready > 0;
    }
    end.how = ChildEnd::How::exited;
    if (!ended) {
        // No pidfd (an error), or the limit passed: one last look, then kill.
        const pid_t r = ::waitpid(pid, &end.status, WNOHANG);
        if (r == pid) return end;
        if (r < 0) return ChildEnd{ChildEnd::How::lost, 0, errno};
        if (::kill(pid, SIGKILL) != 0) return ChildEnd{ChildEnd::How::unkillable, 0, errno};
        end.how = ChildEnd::How::killed;
    }
    while (::waitpid(pid, &end.status, 0) < 0) {
        if (errno != EINTR) return ChildEnd{ChildEnd::How::lost, 0, errno};
    }
    return end;
}

}  // namespace pop3d
