// pop3d-session: one POP3 session on stdin/stdout. Started by the listener
// (pop3d), by inetd or xinetd, by a systemd socket unit with Accept=yes, or
// by anything else that hands over a connection (socat EXEC:).
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/capabilities.h"
#include "common/config.h"
#include "common/config_handoff.h"
#include "common/log.h"
#include "common/privileges.h"
#include "common/terminal.h"
#include "common/unique_fd.h"
#include "sessiond/session.h"

namespace {

using namespace pop3d;

int usage() {
    std::fprintf(stderr, "usage: pop3d-session [-f FILE] [-c FD] [-p FD] [-e]\n");
    return 2;
}

// What the client sees when the session cannot even start.
int refuse(const std::string& why) {
    log::error("%s", why.c_str());
    const char line[] = "-ERR [SYS/PERM] server configuration error\r\n";
    ssize_t ignored = write(STDOUT_FILENO, line, sizeof line - 1);
    (void)ignored;
    return 1;
}

// pop3d-auth lives next to this program.
std::string sibling(const char* name) {
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return name;
    std::string path(self, static_cast<std::size_t>(n));
    return path.substr(0, path.rfind('/') + 1) + name;
}

}  // namespace

int main(int argc, char** argv) {
    std::string path = default_config_path;
    int config_fd = -1;
    int login_fd = -1;
    bool log_stderr = false;
    int opt;
    while ((opt = getopt(argc, argv, "f:c:p:e")) != -1) {
        switch (opt) {
            case 'f': path = optarg; break;
            case 'c':
            case 'p': {
                char* end = nullptr;
                long fd = std::strtol(optarg, &end, 10);
                if (*optarg == '\0' || *end != '\0' || fd < 3 || fd > 1024) return usage();
                (opt == 'c' ? config_fd : login_fd) = static_cast<int>(fd);
                break;
            }
            case 'e': log_stderr = true; break;
            default: return usage();
        }
    }
    if (optind != argc) return usage();
    // Never stderr by default: under inetd, stderr is the client's socket,
    // and under a shell it is a terminal the front must not reach.
    log::init("pop3d-session", "mail", "info", log_stderr);
    if (!log_stderr) {
        if (auto st = terminal::stderr_to_null(); !st) return refuse(st.error().message);
    }
    // A session of its own: no controlling terminal that the front or the
    // logged-in session could push keystrokes into (TIOCSTI).
    if (auto st = terminal::leave_controlling_terminal(); !st) return refuse(st.error().message);
    // Started by inetd, xinetd or socat, the monitor is root with every
    // capability (the listener cuts its sessions' sets itself).
    if (geteuid() == 0) {
        if (auto st = capabilities::keep_only(capabilities::session); !st) return refuse(st.error().message);
    }
    // Until login the monitor holds passwords: no core file (the hard limit
    // too, so nothing it runs can raise it) and no ptrace by its uid.
    if (auto st = privileges::disable_core_dumps(); !st) return refuse(st.error().message);
    if (auto st = privileges::set_not_dumpable(); !st) return refuse(st.error().message);
    if (sodium_init() < 0) return refuse("sodium_init failed");
    // A client that goes away must cost a failed write, not the process:
    // the session still logs its summary line.
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) return refuse("cannot ignore SIGPIPE");
    UniqueFd config_copy(config_fd);
    // The listener's login pipe (-p): closed at login, so that the listener
    // stops counting this session as one not logged in yet. No child
    // inherits it (the front closes it, pop3d-auth never gets it).
    UniqueFd login_pipe(login_fd);
    if (login_pipe.valid() && fcntl(login_fd, F_SETFD, FD_CLOEXEC) != 0) return refuse("login pipe: bad descriptor");
    auto config = config_copy.valid() ? load_config_from_fd(config_copy.get(), path) : load_config(path);
    config_copy.reset();
    if (!config) return refuse(config.error().message);
    log::init("pop3d-session", config->log.facility, config->log.level, log_stderr);
    session::SessionSetup setup{std::move(*config), sibling("pop3d-auth"),
                                session::parse_sandbox_probe(std::getenv("POP3D_SANDBOX_PROBE")),
                                std::move(login_pipe)};
    return session::run_session(setup);
}
