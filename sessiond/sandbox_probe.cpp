#include "sessiond/sandbox_probe.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "common/log.h"

namespace pop3d::session {

SandboxProbe parse_sandbox_probe(const char* value) {
    if (!value) return {};
    std::string_view v(value);
    if (v == "socket") return {SandboxProbe::Kind::socket, 0};
    if (v.rfind("kill:", 0) == 0 && v.size() > 5) {
        char* end = nullptr;
        long pid = std::strtol(value + 5, &end, 10);
        if (*end == '\0' && pid > 1) return {SandboxProbe::Kind::kill, static_cast<pid_t>(pid)};
    }
    return {};
}

void run_sandbox_probe(const SandboxProbe& probe) {
    switch (probe.kind) {
        case SandboxProbe::Kind::none: return;
        case SandboxProbe::Kind::socket: {
            int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (fd >= 0) close(fd);
            log::error("sandbox probe: socket(AF_INET) %s", fd >= 0 ? "went through" : std::strerror(errno));
            return;
        }
        case SandboxProbe::Kind::kill: {
            int rc = kill(probe.target, 0);
            log::error("sandbox probe: kill(%d, 0) %s", static_cast<int>(probe.target),
                       rc == 0 ? "went through" : std::strerror(errno));
            return;
        }
    }
}

}  // namespace pop3d::session
