// pop3d-session: one POP3 session on stdin/stdout. Started by the listener
// (pop3d), by inetd or xinetd, by a systemd socket unit with Accept=yes, or
// by anything else that hands over a connection (socat EXEC:).
#include <arpa/inet.h>
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
#include "common/limits.h"
#include "common/exit_status.h"
#include "common/log.h"
#include "common/privileges.h"
#include "common/unique_fd.h"
#include "sessiond/proxy_preamble.h"
#include "sessiond/session.h"
#include "sessiond/terminal.h"
#include "sessiond/tls_clearing_allocator.h"

namespace {

using namespace pop3d;

int usage() {
    std::fprintf(stderr, "usage: pop3d-session [-e] [-p] [-T] [-f FILE] [-c FD] [-L FD] [-a ADDRESS]\n");
    return exit_status::usage;
}

// What the client sees when the session cannot even start; returns status.
int refuse(int status, const std::string& why) {
    log::error("%s", why.c_str());
    const char line[] = "-ERR [SYS/PERM] server configuration error\r\n";
    ssize_t ignored = write(STDOUT_FILENO, line, sizeof line - 1);
    (void)ignored;
    return status;
}

// pop3d-auth lives next to this program.
std::string sibling(const char* name) {
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return name;
    std::string path(self, static_cast<std::size_t>(n));
    return path.substr(0, path.rfind('/') + 1) + name;
}

// -a comes from the listener; it goes into log lines, so it must be a
// numeric address and nothing else.
bool numeric_address(const char* text) {
    unsigned char buf[16];
    return inet_pton(AF_INET, text, buf) == 1 || inet_pton(AF_INET6, text, buf) == 1;
}

}  // namespace

int main(int argc, char** argv) {
    // Before anything can call into OpenSSL.
    if (auto st = session::clear_openssl_frees(); !st) {
        std::fprintf(stderr, "pop3d-session: %s\n", st.error().message.c_str());
        return exit_status::software;
    }
    std::string path = default_config_path;
    int config_fd = -1;
    int login_fd = -1;
    bool log_stderr = false;
    bool expect_proxy = false;
    bool implicit_tls = false;
    std::string client;
    int opt;
    while ((opt = getopt(argc, argv, "f:c:L:epa:T")) != -1) {
        switch (opt) {
            case 'f': path = optarg; break;
            case 'c':
            case 'L': {
                char* end = nullptr;
                long fd = std::strtol(optarg, &end, 10);
                if (*optarg == '\0' || *end != '\0' || fd < 3 || fd > limits::handed_descriptor_max) return usage();
                (opt == 'c' ? config_fd : login_fd) = static_cast<int>(fd);
                break;
            }
            case 'e': log_stderr = true; break;
            case 'p': expect_proxy = true; break;
            case 'a':
                if (!numeric_address(optarg)) return usage();
                client = optarg;
                break;
            case 'T': implicit_tls = true; break;
            default: return usage();
        }
    }
    if (optind != argc) return usage();
    // Never stderr by default: under inetd, stderr is the client's socket,
    // and under a shell it is a terminal the front must not reach.
    log::init("pop3d-session", "mail", "info", log_stderr);
    if (!log_stderr) {
        if (auto st = terminal::stderr_to_null(); !st) return refuse(exit_status::os_error, st.error().message);
    }
    // A session of its own: no controlling terminal that the front or the
    // logged-in session could push keystrokes into (TIOCSTI).
    if (auto st = terminal::leave_controlling_terminal(); !st) return refuse(exit_status::os_error, st.error().message);
    // Started by inetd, xinetd or socat, the monitor is root with every
    // capability (the listener cuts its sessions' sets itself).
    if (geteuid() == 0) {
        auto withheld = capabilities::keep_only(capabilities::session);
        if (!withheld) return refuse(exit_status::os_error, withheld.error().message);
        for (int cap : *withheld) log::warning("%s", capabilities::withheld_warning(cap).c_str());
    }
    // Until login the monitor holds passwords: no core file (the hard limit
    // too, so nothing it runs can raise it) and no ptrace by its uid.
    if (auto st = privileges::disable_core_dumps(); !st) return refuse(exit_status::os_error, st.error().message);
    if (auto st = privileges::set_not_dumpable(); !st) return refuse(exit_status::os_error, st.error().message);
    if (sodium_init() < 0) return refuse(exit_status::software, "sodium_init failed");
    // A client that goes away must cost a failed write, not the process:
    // the session still logs its summary line.
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) return refuse(exit_status::os_error, "cannot ignore SIGPIPE");
    UniqueFd config_copy(config_fd);
    // The listener's login pipe (-L): closed at login, so that the listener
    // stops counting this session as one not logged in yet. No child
    // inherits it (the front closes it, pop3d-auth never gets it).
    UniqueFd login_pipe(login_fd);
    if (login_pipe.valid() && fcntl(login_fd, F_SETFD, FD_CLOEXEC) != 0)
        return refuse(exit_status::usage, "login pipe: bad descriptor");
    // Certificate and key are read for each connection when TLS is offered
    // (tls_session.h): one that cannot be read costs that session its TLS,
    // not the whole session.
    auto any_file = [](const std::string&) { return true; };
    auto config = config_copy.valid() ? load_config_from_fd(config_copy.get(), path, any_file)
                                      : load_config(path, any_file);
    config_copy.reset();
    if (!config) return refuse(exit_status::config, config.error().message);
    log::init("pop3d-session", config->log.facility, config->log.level, log_stderr);
    // Before anything is said to the client: a balancer's PROXY header.
    if (expect_proxy && client.empty()) {
        auto from = session::read_proxy_preamble(STDIN_FILENO, config->server);
        if (!from) {
            log::notice("%s", from.error().message.c_str());
            return exit_status::ok;
        }
        client = *from;
    }
    if (implicit_tls && !config->tls_configured())
        return refuse(exit_status::config, path + ": -T: implicit TLS needs [tls] cert and key");
    session::SessionSetup setup{std::move(*config), sibling("pop3d-auth"), client, implicit_tls,
                                session::parse_sandbox_probe(std::getenv("POP3D_SANDBOX_PROBE")),
                                std::move(login_pipe)};
    return session::run_session(setup);
}
