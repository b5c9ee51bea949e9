// pop3d-session: one POP3 session on stdin/stdout. Started by the listener
// (pop3d), by inetd or xinetd, by a systemd socket unit with Accept=yes, or
// by anything else that hands over a connection (socat EXEC:).
#include <arpa/inet.h>
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
#include "common/unique_fd.h"
#include "sessiond/proxy_preamble.h"
#include "sessiond/session.h"
#include "sessiond/tls_clearing_allocator.h"

namespace {

using namespace pop3d;

int usage() {
    std::fprintf(stderr, "usage: pop3d-session [-e] [-p] [-T] [-f FILE] [-c FD] [-a ADDRESS]\n");
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
    bool log_stderr = false;
    bool expect_proxy = false;
    bool implicit_tls = false;
    std::string client;
    int opt;
    while ((opt = getopt(argc, argv, "f:c:epa:T")) != -1) {
        switch (opt) {
            case 'f': path = optarg; break;
            case 'c': {
                char* end = nullptr;
                long fd = std::strtol(optarg, &end, 10);
                if (*optarg == '\0' || *end != '\0' || fd < 3 || fd > limits::handed_descriptor_max) return usage();
                config_fd = static_cast<int>(fd);
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
    // Never stderr by default: under inetd, stderr is the client's socket.
    log::init("pop3d-session", "mail", "info", log_stderr);
    // Started by inetd, xinetd or socat, the monitor is root with every
    // capability (the listener cuts its sessions' sets itself).
    if (geteuid() == 0) {
        if (auto st = capabilities::keep_only(capabilities::session); !st)
            return refuse(exit_status::os_error, st.error().message);
    }
    if (sodium_init() < 0) return refuse(exit_status::software, "sodium_init failed");
    // A client that goes away must cost a failed write, not the process:
    // the session still logs its summary line.
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) return refuse(exit_status::os_error, "cannot ignore SIGPIPE");
    UniqueFd config_copy(config_fd);
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
    session::SessionSetup setup{std::move(*config), sibling("pop3d-auth"), client, implicit_tls};
    return session::run_session(setup);
}
