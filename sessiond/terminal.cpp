#include "sessiond/terminal.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/unique_fd.h"

namespace pop3d::terminal {
namespace {

Error sys_error(const std::string& what) { return make_error(ErrorKind::permanent, what + ": " + std::strerror(errno)); }

}  // namespace

Status leave_controlling_terminal() {
    if (setsid() >= 0) return {};
    if (errno != EPERM) return sys_error("setsid");
    UniqueFd tty(open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC));
    // ENXIO: no controlling terminal, which is what we want.
    if (!tty.valid()) {
        if (errno == ENXIO || errno == ENOENT) return {};
        return sys_error("open /dev/tty");
    }
    if (ioctl(tty.get(), TIOCNOTTY) != 0) return sys_error("TIOCNOTTY");
    return {};
}

Status stderr_to_null() {
    UniqueFd null(open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!null.valid()) return sys_error("open /dev/null");
    if (null.get() == STDERR_FILENO) {
        // fd 2 was closed: it is /dev/null now, and must survive exec.
        if (fcntl(STDERR_FILENO, F_SETFD, 0) != 0) return sys_error("fcntl fd 2");
        null.release();
        return {};
    }
    if (dup2(null.get(), STDERR_FILENO) != STDERR_FILENO) return sys_error("dup2 /dev/null to fd 2");
    return {};
}

}  // namespace pop3d::terminal
