// Starting pop3d-session for one accepted connection: fork, put the
// connection on fd 0 and 1 and the listener's validated configuration on
// fd 3, and exec. The listener reads nothing from the client.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <string>

#include "common/result.h"

namespace pop3d::daemon {

// The descriptor on which a session finds its configuration (pop3d-session -c 3).
inline constexpr int session_config_fd = 3;
// The descriptor a session closes once it has logged in (pop3d-session -L 4):
// the write end of a pipe whose read end tells the listener.
inline constexpr int session_login_fd = 4;

struct SessionCommand {
    std::string program;      // absolute path of pop3d-session
    std::string config_name;  // the configuration file, for messages
    bool log_to_stderr = false;
};

// pop3d-session next to the running program (/proc/self/exe).
Result<std::string> session_program_path();

// Returns the child's pid once pop3d-session runs (a failed exec is an
// error, its child reaped). signal_mask is restored in the child before exec
// (the listener blocks the signals it reads from a signalfd). login_fd: the
// write end of the session's login pipe (pop3d-session -L).
// client_address: what a PROXY header said (pop3d-session -a), or empty.
// implicit_tls: the connection came to a tls_listen address (pop3d-session -T).
Result<pid_t> spawn_session(const SessionCommand& command, int connection, int config_fd, int login_fd,
                            const sigset_t& signal_mask, const std::string& client_address, bool implicit_tls);

}  // namespace pop3d::daemon
