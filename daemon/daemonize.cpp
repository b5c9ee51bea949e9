#include "daemon/daemonize.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/fd_io.h"

namespace pop3d::daemon {
namespace {

Error sys_error(const std::string& what) {
    return make_error(ErrorKind::permanent, what + ": " + std::strerror(errno));
}

}  // namespace

Result<UniqueFd> daemonize() {
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) return sys_error("pipe");
    UniqueFd read_end(p[0]), write_end(p[1]);
    pid_t pid = fork();
    if (pid < 0) return sys_error("fork");
    if (pid > 0) {
        write_end.reset();
        char byte = 0;
        if (auto n = read_up_to(read_end.get(), &byte, 1); n && *n == 1) _exit(0);
        // The child failed before it was ready: its exit status (a
        // configuration error, a pid file it could not create) is ours, so
        // that whoever started pop3d sees why.
        int status = 0;
        pid_t waited;
        do {
            waited = waitpid(pid, &status, 0);
        } while (waited < 0 && errno == EINTR);
        _exit(waited == pid && WIFEXITED(status) ? WEXITSTATUS(status) : EX_OSERR);
    }
    read_end.reset();
    if (setsid() < 0) return sys_error("setsid");
    if (chdir("/") != 0) return sys_error("chdir /");
    UniqueFd null(open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!null.valid()) return sys_error("/dev/null");
    for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO})
        if (dup2(null.get(), fd) < 0) return sys_error("dup2");
    return write_end;
}

void report_ready(UniqueFd ready) {
    (void)write_all(ready.get(), std::string_view("\1", 1));
}

Result<PidFile> PidFile::create(const std::string& path) {
    UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!fd.valid()) return sys_error("pid file " + path);
    std::string text = std::to_string(getpid()) + "\n";
    if (auto written = write_all(fd.get(), text); !written)
        return make_error(ErrorKind::permanent, "write pid file " + path + ": " + written.error().message);
    return PidFile(path);
}

PidFile::~PidFile() {
    if (!path_.empty()) unlink(path_.c_str());
}

}  // namespace pop3d::daemon
