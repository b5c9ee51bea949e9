#include "daemon/spawn_session.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <vector>

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
    // Everything the child needs is built before fork, so the child only
    // makes system calls.
    std::string fd_arg = std::to_string(session_config_fd);
    std::string login_arg = std::to_string(session_login_fd);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>("pop3d-session"));
    argv.push_back(const_cast<char*>("-f"));
    argv.push_back(const_cast<char*>(command.config_name.c_str()));
    argv.push_back(const_cast<char*>("-c"));
    argv.push_back(fd_arg.data());
    argv.push_back(const_cast<char*>("-L"));
    argv.push_back(login_arg.data());
    if (command.log_to_stderr) argv.push_back(const_cast<char*>("-e"));
    if (!client_address.empty()) {
        argv.push_back(const_cast<char*>("-a"));
        argv.push_back(const_cast<char*>(client_address.c_str()));
    }
    if (implicit_tls) argv.push_back(const_cast<char*>("-T"));
    argv.push_back(nullptr);

    pid_t pid = fork();
    if (pid < 0) return make_error(ErrorKind::temporary, std::string("fork: ") + std::strerror(errno));
    if (pid > 0) return pid;

    // The child. The login pipe first moves out of the way of the dup2s
    // below. dup2 clears close-on-exec on the new descriptors; a
    // descriptor already in place keeps its flag, so it is cleared by hand.
    login_fd = fcntl(login_fd, F_DUPFD_CLOEXEC, 16);
    if (login_fd < 0) _exit(127);
    if (dup2(connection, STDIN_FILENO) < 0 || dup2(connection, STDOUT_FILENO) < 0) _exit(127);
    if (config_fd == session_config_fd) {
        if (fcntl(config_fd, F_SETFD, 0) != 0) _exit(127);
    } else if (dup2(config_fd, session_config_fd) < 0) {
        _exit(127);
    }
    if (dup2(login_fd, session_login_fd) < 0) _exit(127);
    if (sigprocmask(SIG_SETMASK, &signal_mask, nullptr) != 0) _exit(127);
    // The listener's environment (whatever root's shell or init had) stays
    // out of the session, which runs as root until login.
    char path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
    char* environment[] = {path, nullptr};
    execve(command.program.c_str(), argv.data(), environment);
    _exit(127);
}

}  // namespace pop3d::daemon
