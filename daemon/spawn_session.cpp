#include "daemon/spawn_session.h"

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "common/child_process.h"

namespace pop3d::daemon {

Result<std::string> session_program_path() {
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return make_error(ErrorKind::permanent, std::string("readlink /proc/self/exe: ") + std::strerror(errno));
    std::string path(self, static_cast<std::size_t>(n));
    auto slash = path.rfind('/');
    std::string program = path.substr(0, slash + 1) + "pop3d-session";
    if (access(program.c_str(), X_OK) != 0)
        return make_error(ErrorKind::permanent, program + ": " + std::strerror(errno));
    return program;
}

Result<pid_t> spawn_session(const SessionCommand& command, int connection, int config_fd, int login_fd,
                            const sigset_t& signal_mask, const std::string& client_address, bool implicit_tls) {
    ProgramCommand session{command.program,
                           {"pop3d-session", "-f", command.config_name, "-c", std::to_string(session_config_fd), "-L",
                            std::to_string(session_login_fd)},
                           // The listener's environment (whatever root's shell or init had)
                           // stays out of the session, which runs as root until login.
                           {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}};
    if (command.log_to_stderr) session.argv.push_back("-e");
    if (!client_address.empty()) {
        session.argv.push_back("-a");
        session.argv.push_back(client_address);
    }
    if (implicit_tls) session.argv.push_back("-T");
    DescriptorMap fds;
    fds.put(STDIN_FILENO, connection)
        .put(STDOUT_FILENO, connection)
        .inherit(STDERR_FILENO)
        .put(session_config_fd, config_fd)
        .put(session_login_fd, login_fd);
    return spawn_program(session, fds, signal_mask);
}

}  // namespace pop3d::daemon
