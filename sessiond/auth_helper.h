// The monitor's handle on its pop3d-auth process: starts it as root on a
// SOCK_SEQPACKET socketpair, asks it one request at a time, and closes and
// reaps it when destroyed. pop3d-auth drops its own privileges.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "common/auth/helper_fds.h"
#include "common/auth/request.h"
#include "common/auth/verdict.h"
#include "common/result.h"
#include "common/unique_fd.h"

namespace pop3d::auth {

class AuthHelper {
public:
    // Forks and execs `program` (the path of pop3d-auth) as
    // "pop3d-auth -f CONFIG_PATH" with an empty environment, the socket on
    // helper_fd, /dev/null on 0, 1 and 2, and every other descriptor closed.
    // With config_fd >= 0, that descriptor goes to pop3d-auth as
    // helper_config_fd, and config_path is not used.
    static Result<std::unique_ptr<AuthHelper>> start(const std::string& config_path, const std::string& program,
                                                      int config_fd = -1);
    // Closes the socket (pop3d-auth exits at EOF) and reaps the process,
    // killing it if it has not exited within a bounded time.
    ~AuthHelper();
    AuthHelper(const AuthHelper&) = delete;
    AuthHelper& operator=(const AuthHelper&) = delete;

    // Sends one request and waits (at most limits::auth_reply_seconds) for
    // its verdict (the monitor, not pop3d-auth, holds a failure until
    // [auth] failure_delay has passed).
    // A request the codec refuses (e.g. a NUL in the password) is an
    // ErrorKind::invalid error and sends nothing: count it as a failed login.
    // Any other error (helper gone, timeout, bad frame) is
    // ErrorKind::temporary and leaves the helper unusable: every later call
    // fails too.
    Result<AuthVerdict> verify(const AuthRequest& request);

    pid_t pid() const { return pid_; }

private:
    AuthHelper(pid_t pid, UniqueFd fd) : pid_(pid), fd_(std::move(fd)) {}
    pid_t pid_;
    UniqueFd fd_;
    bool broken_ = false;
};

}  // namespace pop3d::auth
