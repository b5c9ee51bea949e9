#include "common/auth/helper.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/auth/codec.h"
#include "common/child_exit.h"
#include "common/frame.h"
#include "common/limits.h"

namespace pop3d::auth {
namespace {

Error temp(const std::string& what) { return make_error(ErrorKind::temporary, "pop3d-auth: " + what); }

// Only async-signal-safe calls between fork and exec. An exec failure is
// reported through the close-on-exec pipe `report`: EOF there means exec
// succeeded. The report pipe, the socket and /dev/null all first move above
// the descriptors being set up, so that no dup2 below can overwrite one of
// them, whatever numbers they had (/dev/null opened into a free helper_fd
// would be replaced by the socket, and 0-2 would then get the socket).
[[noreturn]] void exec_child(int sock, int config, int report, const char* program, char* const argv[]) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    constexpr int high = 16;
    int err = 0;
    int r = fcntl(report, F_DUPFD_CLOEXEC, high);
    int s = r < 0 ? -1 : fcntl(sock, F_DUPFD_CLOEXEC, high);
    int c = s < 0 || config < 0 ? -1 : fcntl(config, F_DUPFD_CLOEXEC, high);
    if (config >= 0 && c < 0) s = -1;
    int opened = s < 0 ? -1 : open("/dev/null", O_RDWR | O_CLOEXEC);
    int null = opened < 0 ? -1 : fcntl(opened, F_DUPFD_CLOEXEC, high);
    if (r < 0 || s < 0 || null < 0) err = errno;
    if (!err && dup2(s, helper_fd) != helper_fd) err = errno;
    if (!err && c >= 0 && dup2(c, helper_config_fd) != helper_config_fd) err = errno;
    for (int fd = 0; fd <= 2 && !err; ++fd)
        if (dup2(null, fd) != fd) err = errno;
    // Every other descriptor closes on exec; the report pipe stays open
    // until then so that an exec failure can still be told.
    const unsigned first_closed = c >= 0 ? helper_config_fd + 1 : helper_fd + 1;
    if (!err && close_range(first_closed, ~0U, CLOSE_RANGE_CLOEXEC) != 0) err = errno;
    if (!err) {
        char* const empty_env[] = {nullptr};
        execve(program, argv, empty_env);
        err = errno;
    }
    int out = r >= 0 ? r : report;
    ssize_t w;
    do {
        w = write(out, &err, sizeof err);
    } while (w < 0 && errno == EINTR);
    _exit(127);
}

}  // namespace

Result<std::unique_ptr<AuthHelper>> AuthHelper::start(const std::string& config_path, const std::string& program,
                                                      int config_fd) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return temp(std::string("socketpair: ") + std::strerror(errno));
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        int err = errno;
        close(sv[0]);
        close(sv[1]);
        return temp(std::string("pipe: ") + std::strerror(err));
    }
    std::string arg0 = "pop3d-auth", flag = "-f",
                conf = config_fd >= 0 ? "/proc/self/fd/" + std::to_string(helper_config_fd) : config_path;
    char* const argv[] = {arg0.data(), flag.data(), conf.data(), nullptr};

    pid_t pid = fork();
    if (pid < 0) {
        int err = errno;
        close(sv[0]);
        close(sv[1]);
        close(report[0]);
        close(report[1]);
        return temp(std::string("fork: ") + std::strerror(err));
    }
    if (pid == 0) {
        close(sv[0]);
        close(report[0]);
        exec_child(sv[1], config_fd, report[1], program.c_str(), argv);
    }
    close(sv[1]);
    close(report[1]);
    int child_err = 0;
    ssize_t n;
    do {
        n = read(report[0], &child_err, sizeof child_err);
    } while (n < 0 && errno == EINTR);
    close(report[0]);
    std::unique_ptr<AuthHelper> helper(new AuthHelper(pid, sv[0]));
    if (n != 0) {
        // The destructor reaps the child that failed to exec.
        return temp("cannot run " + program + ": " + std::strerror(n > 0 ? child_err : errno));
    }
    return helper;
}

AuthHelper::~AuthHelper() {
    close(fd_);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(limits::auth_exit_millis);
    int status = 0;
    if (wait_for_child(pid_, deadline, &status) != ChildWait::running) return;
    // Still busy (a hash, a stuck lookup): it has nothing
    // left to answer, so it is stopped.
    kill(pid_, SIGKILL);
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
}

Result<AuthVerdict> AuthHelper::verify(const AuthRequest& request) {
    if (broken_) return temp("unusable after an earlier error");
    auto frame = encode_request(request);
    if (!frame) return frame.error();  // the request itself is malformed; the helper stays usable
    broken_ = true;  // until a verdict arrives intact
    if (auto sent = send_frame(fd_, frame->view()); !sent) return temp(sent.error().message);

    using clock = std::chrono::steady_clock;
    auto deadline = clock::now() + std::chrono::seconds(limits::auth_reply_seconds);
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
        if (left <= 0) return temp("no verdict in time");
        struct pollfd p {fd_, POLLIN, 0};
        int rc = poll(&p, 1, static_cast<int>(left));
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) return temp(std::string("poll: ") + std::strerror(errno));
        if (rc > 0) break;
    }
    auto reply = recv_frame(fd_);
    if (!reply) return temp(reply.error().message);
    auto verdict = decode_verdict(*reply);
    if (!verdict) return temp(verdict.error().message);
    broken_ = false;
    return verdict;
}

}  // namespace pop3d::auth
