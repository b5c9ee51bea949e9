#include "sessiond/auth_helper.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/auth/codec.h"
#include "common/child_process.h"
#include "common/frame.h"
#include "common/limits.h"

namespace pop3d::auth {
namespace {

Error temp(const std::string& what) { return make_error(ErrorKind::temporary, "pop3d-auth: " + what); }

}  // namespace

Result<std::unique_ptr<AuthHelper>> AuthHelper::start(const std::string& config_path, const std::string& program,
                                                      int config_fd) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return temp(std::string("socketpair: ") + std::strerror(errno));
    UniqueFd ours(sv[0]), theirs(sv[1]);
    const std::string conf =
        config_fd >= 0 ? "/proc/self/fd/" + std::to_string(helper_config_fd) : config_path;
    DescriptorMap fds;
    fds.null(0).null(1).null(2).put(helper_fd, theirs.get());
    if (config_fd >= 0) fds.put(helper_config_fd, config_fd);
    sigset_t none;
    sigemptyset(&none);
    auto pid = spawn_program(ProgramCommand{program, {"pop3d-auth", "-f", conf}, {}}, fds, none);
    if (!pid) return temp(pid.error().message);
    return std::unique_ptr<AuthHelper>(new AuthHelper(*pid, std::move(ours)));
}

AuthHelper::~AuthHelper() {
    fd_.reset();
    // Still busy after the limit (a hash, a stuck lookup): it has nothing
    // left to answer, so it is stopped.
    (void)reap_within(pid_, std::chrono::milliseconds(limits::auth_exit_millis));
}

Result<AuthVerdict> AuthHelper::verify(const AuthRequest& request) {
    if (broken_) return temp("unusable after an earlier error");
    auto frame = encode_request(request);
    if (!frame) return frame.error();  // the request itself is malformed; the helper stays usable
    broken_ = true;  // until a verdict arrives intact
    if (auto sent = send_frame(fd_.get(), frame->view()); !sent) return temp(sent.error().message);

    using clock = std::chrono::steady_clock;
    auto deadline = clock::now() + std::chrono::seconds(limits::auth_reply_seconds);
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
        if (left <= 0) return temp("no verdict in time");
        struct pollfd p {fd_.get(), POLLIN, 0};
        int rc = poll(&p, 1, static_cast<int>(left));
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) return temp(std::string("poll: ") + std::strerror(errno));
        if (rc > 0) break;
    }
    auto reply = recv_frame(fd_.get());
    if (!reply) return temp(reply.error().message);
    auto verdict = decode_verdict(*reply);
    if (!verdict) return temp(verdict.error().message);
    broken_ = false;
    return verdict;
}

}  // namespace pop3d::auth
