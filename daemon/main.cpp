// pop3d: the listener. Binds the configured addresses, then accepts and
// starts one pop3d-session per connection; it never reads from a client.
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <optional>
#include <string>

#include "common/capabilities.h"
#include "common/config.h"
#include "common/config_keys.h"
#include "common/exit_status.h"
#include "common/log.h"
#include "daemon/daemonize.h"
#include "daemon/listen_sockets.h"
#include "daemon/listener.h"
#include "daemon/tls_check.h"
#include "daemon/spawn_session.h"

namespace {

using namespace pop3d;

int usage() {
    std::fprintf(stderr, "usage: pop3d [-t] [-F] [-f FILE]\n");
    return exit_status::usage;
}

// Logs the reason and returns the exit status for it (common/exit_status.h).
int fail(int status, const std::string& message) {
    log::error("%s", message.c_str());
    return status;
}

int fail(const Error& error) { return fail(exit_status::of(error.kind), error.message); }

// Sessions get the connection on fd 0 and 1; if the listener were started
// with one of 0-2 closed, an accepted socket could land there.
bool standard_fds_open() {
    for (int fd = 0; fd <= 2; ++fd) {
        if (fcntl(fd, F_GETFD) != -1) continue;
        int null = open("/dev/null", O_RDWR);
        if (null != fd) return false;
    }
    return true;
}

// Whatever started the listener may have left descriptors open (a shell's
// redirections, a parent's files); every session would inherit them, and a
// session ends up running as a mail user.
bool close_inherited_fds() { return close_range(3, ~0U, 0) == 0; }

}  // namespace

int main(int argc, char** argv) {
    std::string path = default_config_path;
    bool test_only = false;
    bool foreground = false;
    std::optional<std::string> key_text;
    int opt;
    while ((opt = getopt(argc, argv, "tFf:K:")) != -1) {
        switch (opt) {
            case 't': test_only = true; break;
            case 'F': foreground = true; break;
            case 'f': path = optarg; break;
            case 'K': key_text = optarg; break;
            default: return usage();
        }
    }
    if (optind != argc) return usage();
    // Hidden: the texts made from the table of keys (common/config_keys.h).
    if (key_text == "sample") return std::fputs(sample_config().c_str(), stdout) < 0;
    if (key_text == "reference") return std::fputs(key_reference().c_str(), stdout) < 0;
    if (key_text) return usage();
    if (!standard_fds_open() || !close_inherited_fds()) return exit_status::os_error;
    if (test_only) {
        auto config = load_config(path);
        if (!config) {
            std::fprintf(stderr, "pop3d: %s\n", config.error().message.c_str());
            return exit_status::config;
        }
        std::fputs(format_config(*config).c_str(), stdout);
        auto tls = daemon::check_tls(*config, static_cast<long long>(std::time(nullptr)));
        for (const auto& w : tls.warnings) std::fprintf(stderr, "pop3d: %s: warning: %s\n", path.c_str(), w.c_str());
        for (const auto& e : tls.errors) std::fprintf(stderr, "pop3d: %s: %s\n", path.c_str(), e.c_str());
        if (!tls.errors.empty()) return exit_status::config;
        std::fprintf(stderr, "pop3d: %s: configuration OK\n", path.c_str());
        return 0;
    }

    // Until the configuration names a facility, errors go to stderr too.
    log::init("pop3d", "mail", "info", true);
    auto loaded = daemon::load_listener_config(path);
    if (!loaded) return fail(exit_status::config, loaded.error().message);
    const Config& config = loaded->config;
    log::init("pop3d", config.log.facility, config.log.level, true);

    auto program = daemon::session_program_path();
    if (!program) return fail(exit_status::unavailable, "cannot find pop3d-session: " + program.error().message);

    if (geteuid() == 0) {
        auto withheld = capabilities::keep_only(capabilities::listener);
        if (!withheld) return fail(exit_status::os_error, withheld.error().message);
        for (int cap : *withheld) log::warning("%s", capabilities::withheld_warning(cap).c_str());
    } else {
        struct passwd* pw = getpwuid(geteuid());
        log::notice("not started as root: single-user mode, serving only the maildrop of %s",
                    pw ? pw->pw_name : std::to_string(geteuid()).c_str());
    }

    auto sockets = daemon::open_server_sockets(config.server);
    if (!sockets) return fail(sockets.error());

    sigset_t wanted = daemon::listener_signals();
    sigset_t original;
    if (sigprocmask(SIG_BLOCK, &wanted, &original) != 0) return fail(exit_status::os_error, "sigprocmask failed");
    pop3d::UniqueFd signals(signalfd(-1, &wanted, SFD_NONBLOCK | SFD_CLOEXEC));
    if (!signals.valid()) return fail(exit_status::os_error, "signalfd failed");

    std::optional<daemon::PidFile> pid_file;
    if (!foreground) {
        auto ready = daemon::daemonize();
        if (!ready) return fail(exit_status::os_error, ready.error().message);
        log::init("pop3d", config.log.facility, config.log.level, false);
        auto created = daemon::PidFile::create(config.server.pid_file);
        if (!created) return fail(exit_status::cannot_create, created.error().message);
        pid_file.emplace(std::move(*created));
        daemon::report_ready(std::move(*ready));
    }

    daemon::SessionCommand command{*program, path, foreground};
    daemon::Listener listener(path, std::move(*loaded), std::move(*sockets), std::move(command),
                              std::move(signals), original);
    auto st = listener.run();
    if (!st) return fail(exit_status::os_error, st.error().message);
    return exit_status::ok;
}
