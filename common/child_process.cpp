#include "common/child_process.h"

#include <fcntl.h>
#include <poll.h>
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

// The exec child, after fork: only async-signal-safe calls. `report` has
// been moved to DescriptorMap::first_spare or above, so the map leaves it
// alone; exec closes it, and EOF there tells the parent the exec succeeded.
[[noreturn]] void exec_child(const char* program, char* const argv[], char* const envp[], const DescriptorMap& fds,
                             const sigset_t& mask, int report) {
    int err = 0;
    if (::sigprocmask(SIG_SETMASK, &mask, nullptr) != 0 || !fds.apply(true))
        err = errno != 0 ? errno : EBADF;
    if (err == 0) {
        ::execve(program, argv, envp);
        err = errno;
    }
    ssize_t w;
    do {
        w = ::write(report, &err, sizeof err);
    } while (w < 0 && errno == EINTR);
    _exit(child_setup_failed);
}

}  // namespace

bool ChildEnd::succeeded() const { return how == How::exited && WIFEXITED(status) && WEXITSTATUS(status) == 0; }

int ChildEnd::signal() const { return how == How::exited && WIFSIGNALED(status) ? WTERMSIG(status) : 0; }

Result<pid_t> spawn_program(const ProgramCommand& command, const DescriptorMap& fds, const sigset_t& mask) {
    // Everything the child needs is built before fork.
    std::vector<std::string> argv = command.argv, environment = command.environment;
    const std::vector<char*> argv_p = pointers_to(argv), envp = pointers_to(environment);
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) return spawn_error("pipe", errno);
    UniqueFd read_end(p[0]), pipe_write_end(p[1]);
    UniqueFd write_end(::fcntl(pipe_write_end.get(), F_DUPFD_CLOEXEC, DescriptorMap::first_spare));
    pipe_write_end.reset();
    if (!write_end.valid()) return spawn_error("fcntl", errno);
    const pid_t pid = ::fork();
    if (pid < 0) return spawn_error("fork", errno);
    if (pid == 0) exec_child(command.program.c_str(), argv_p.data(), envp.data(), fds, mask, write_end.get());
    write_end.reset();
    int child_err = 0;
    ssize_t n;
    do {
        n = ::read(read_end.get(), &child_err, sizeof child_err);
    } while (n < 0 && errno == EINTR);
    if (n == 0) return pid;
    // The child wrote its errno and exits at once.
    const int err = n > 0 ? child_err : errno;
    (void)reap_within(pid, std::chrono::seconds(1));
    return spawn_error("cannot run " + command.program, err);
}

Result<pid_t> fork_with(const DescriptorMap& fds) {
    const pid_t pid = ::fork();
    if (pid < 0) return spawn_error("fork", errno);
    if (pid > 0) return pid;
    // glibc's syslog socket is forgotten first: the map closes it, and a
    // later syslog() (an NSS module's, say) would send to whatever took
    // its number.
    ::closelog();
    if (!fds.apply(false)) _exit(child_setup_failed);
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
