#include "common/auth/helper.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
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
#include "common/unique_fd.h"

namespace pop3d::auth {
namespace {

Error temp(const std::string& what) { return make_error(ErrorKind::temporary, "pop3d-auth: " + what); }

// The descriptors and the signal mask pop3d-auth starts with, as spawn
// actions; released with the object.
class SpawnSetup {
public:
    SpawnSetup() {
        ok_ = posix_spawn_file_actions_init(&actions_) == 0;
        if (ok_ && posix_spawnattr_init(&attr_) != 0) {
            posix_spawn_file_actions_destroy(&actions_);
            ok_ = false;
        }
    }
    ~SpawnSetup() {
        if (!ok_) return;
        posix_spawn_file_actions_destroy(&actions_);
        posix_spawnattr_destroy(&attr_);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;

    // sock and config (-1: none) must be above helper_config_fd, so that no
    // dup2 overwrites one before it is used; they close at the exec.
    bool prepare(int sock, int config) {
        sigset_t none;
        sigemptyset(&none);
        const int first_closed = config >= 0 ? helper_config_fd + 1 : helper_fd + 1;
        return ok_ && posix_spawn_file_actions_addopen(&actions_, 0, "/dev/null", O_RDWR, 0) == 0 &&
               posix_spawn_file_actions_adddup2(&actions_, 0, 1) == 0 &&
               posix_spawn_file_actions_adddup2(&actions_, 0, 2) == 0 &&
               posix_spawn_file_actions_adddup2(&actions_, sock, helper_fd) == 0 &&
               (config < 0 || posix_spawn_file_actions_adddup2(&actions_, config, helper_config_fd) == 0) &&
               posix_spawn_file_actions_addclosefrom_np(&actions_, first_closed) == 0 &&
               posix_spawnattr_setsigmask(&attr_, &none) == 0 &&
               posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETSIGMASK) == 0;
    }
    const posix_spawn_file_actions_t* actions() const { return &actions_; }
    const posix_spawnattr_t* attr() const { return &attr_; }

private:
    bool ok_ = false;
    posix_spawn_file_actions_t actions_;
    posix_spawnattr_t attr_;
};

}  // namespace

Result<std::unique_ptr<AuthHelper>> AuthHelper::start(const std::string& config_path, const std::string& program,
                                                      int config_fd) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return temp(std::string("socketpair: ") + std::strerror(errno));
    UniqueFd ours(sv[0]);
    UniqueFd theirs(sv[1]);
    // Copies above every descriptor being set up (see SpawnSetup::prepare).
    constexpr int high = 16;
    UniqueFd sock(fcntl(theirs.get(), F_DUPFD_CLOEXEC, high));
    UniqueFd config(config_fd >= 0 ? fcntl(config_fd, F_DUPFD_CLOEXEC, high) : -1);
    if (!sock.valid() || (config_fd >= 0 && !config.valid())) return temp(std::string("fcntl: ") + std::strerror(errno));
    SpawnSetup setup;
    if (!setup.prepare(sock.get(), config.get())) return temp("cannot prepare the spawn");
    std::string arg0 = "pop3d-auth", flag = "-f",
                conf = config_fd >= 0 ? "/proc/self/fd/" + std::to_string(helper_config_fd) : config_path;
    char* const argv[] = {arg0.data(), flag.data(), conf.data(), nullptr};
    char* const empty_env[] = {nullptr};
    // posix_spawn, not fork: glibc's runs the child on the monitor's memory
    // until the exec (CLONE_VM | CLONE_VFORK), so no page table is copied and
    // no page of the monitor, which holds OpenSSL and the TLS context by
    // now, is made copy-on-write for a child about to exec; an exec that
    // fails is reported here, and that child reaped by glibc.
    pid_t pid = -1;
    int rc = posix_spawn(&pid, program.c_str(), setup.actions(), setup.attr(), argv, empty_env);
    if (rc != 0) return temp("cannot run " + program + ": " + std::strerror(rc));
    return std::unique_ptr<AuthHelper>(new AuthHelper(pid, ours.release()));
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
