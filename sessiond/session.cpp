#include "sessiond/session.h"

#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>

#include "common/auth/helper.h"
#include "common/log.h"
#include "common/mbox/open.h"
#include "common/peer_address.h"
#include "common/pop3/apop.h"
#include "common/pop3/replies.h"
#include "common/unique_fd.h"
#include "sessiond/become_owner.h"
#include "sessiond/client_io.h"
#include "sessiond/front.h"
#include "sessiond/monitor.h"
#include "sessiond/transaction_driver.h"

namespace pop3d::session {
namespace {

// pop3d-auth behind the Verifier seam; a helper that failed to start
// answers every attempt with a temporary failure.
class HelperVerifier : public Verifier {
public:
    explicit HelperVerifier(std::unique_ptr<auth::AuthHelper> helper) : helper_(std::move(helper)) {}
    Result<auth::AuthVerdict> verify(const auth::AuthRequest& request) override {
        if (!helper_) return make_error(ErrorKind::temporary, "pop3d-auth is not running");
        return helper_->verify(request);
    }
    void stop() { helper_.reset(); }

private:
    std::unique_ptr<auth::AuthHelper> helper_;
};

void say(const std::string& line) {
    ClientOutput out(STDOUT_FILENO, 10);
    auto ignored = out.write(line);
    (void)ignored;  // the session ends right after either way
}

// Forks the front on its end of the socketpair; it never returns in the child.
Result<pid_t> fork_front(UniqueFd front_end, int monitor_end, const Config& config, const FrontSettings& settings,
                         bool as_root) {
    pid_t pid = fork();
    if (pid < 0) return make_error(ErrorKind::temporary, std::string("fork: ") + std::strerror(errno));
    if (pid > 0) return pid;
    // The child keeps the connection (0, 1), stderr and its socket (3).
    close(monitor_end);
    if (front_end.get() != 3 && dup2(front_end.get(), 3) != 3) _exit(1);
    if (close_range(4, ~0U, 0) != 0) _exit(1);
    if (auto st = drop_front_privileges(config.privsep, as_root); !st) {
        log::error("front: cannot drop privileges: %s", st.error().message.c_str());
        _exit(1);
    }
    _exit(run_front(STDIN_FILENO, STDOUT_FILENO, 3, settings));
}

void reap(pid_t pid) {
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
}

std::string login_reply(const Login& login, const Maildrop& maildrop) {
    std::uint64_t octets = 0;
    for (std::size_t i = 0; i < maildrop.count(); ++i) octets += maildrop.octets(i);
    std::size_t n = maildrop.count();
    return pop3::ok(login.user + "'s maildrop has " + std::to_string(n) + (n == 1 ? " message (" : " messages (") +
                    std::to_string(octets) + " octets)");
}

void log_summary(const std::string& user, const std::string& client, const pop3::SessionSummary& summary,
                 const std::string& ended) {
    log::info("session: user=\"%s\" client=%s tls=no %s ended=%s", user.empty() ? "-" : user.c_str(),
              client.c_str(), pop3::format_summary(summary).c_str(), ended.c_str());
}

}  // namespace

int run_session(const SessionSetup& setup) {
    const Config& config = setup.config;
    bool as_root = geteuid() == 0;
    std::string client = peer_address(STDIN_FILENO);
    if (!as_root) {
        struct passwd* pw = getpwuid(geteuid());
        log::notice("not started as root: single-user mode, serving only the maildrop of %s",
                    pw ? pw->pw_name : std::to_string(geteuid()).c_str());
    }

    std::string timestamp = pop3::make_apop_timestamp(getpid(), std::time(nullptr), config.server.hostname);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        log::error("socketpair: %s", std::strerror(errno));
        say(pop3::err(pop3::ResponseCode::sys_temp, "cannot start a session"));
        return 1;
    }
    UniqueFd monitor_end(sv[0]);
    FrontSettings front_settings{config.server.greeting, timestamp, config.server.autologout};
    // The front is forked before pop3d-auth starts, so it never holds the
    // socket to pop3d-auth.
    auto front = fork_front(UniqueFd(sv[1]), monitor_end.get(), config, front_settings, as_root);
    if (!front) {
        log::error("%s", front.error().message.c_str());
        say(pop3::err(pop3::ResponseCode::sys_temp, "cannot start a session"));
        return 1;
    }
    auto helper = auth::AuthHelper::start(setup.config_path, setup.auth_program);
    if (!helper) log::error("%s", helper.error().message.c_str());
    HelperVerifier verifier(helper ? std::move(*helper) : nullptr);

    MonitorSettings settings;
    settings.apop_timestamp = timestamp;
    settings.max_attempts = config.auth.max_attempts;
    settings.client = client;
    settings.policy = LoginPolicy{config.auth.min_uid, !as_root, geteuid(), config.mail.maildrop, config.mail.state_dir};
    MonitorResult result = converse_with_front(monitor_end.get(), verifier, settings);
    // Closing the socket ends a front still waiting; pop3d-auth goes before
    // the monitor gives up root.
    monitor_end.reset();
    verifier.stop();
    reap(*front);
    if (!result.login) {
        log_summary(result.user, client, {}, result.ended);
        return 0;
    }
    const Login& login = *result.login;
    if (auto st = become_mailbox_owner(login, as_root); !st) {
        log::error("user \"%s\": cannot become %s: %s", login.user.c_str(), login.owner.c_str(),
                   st.error().message.c_str());
        say(pop3::err(pop3::ResponseCode::sys_temp, "cannot open the maildrop"));
        log_summary(login.user, client, {}, "error");
        return 1;
    }
    mbox::OpenRequest request{login.maildrop, login.state_dir, &config.mail};
    auto maildrop = mbox::open_maildrop(request);
    if (!maildrop) {
        const Error& e = maildrop.error();
        log::warning("user \"%s\": %s: %s", login.user.c_str(), login.maildrop.c_str(), e.message.c_str());
        say(pop3::err(pop3::response_code(e.kind),
                      e.kind == ErrorKind::in_use ? "maildrop is in use by another session" : "cannot open the maildrop"));
        log_summary(login.user, client, {}, e.kind == ErrorKind::in_use ? "in-use" : "maildrop-error");
        return 0;
    }
    log::info("user \"%s\" logged in from %s", login.user.c_str(), client.c_str());
    TransactionOutcome outcome = run_transaction(STDIN_FILENO, STDOUT_FILENO, **maildrop, login_reply(login, **maildrop),
                                                 result.unconsumed, config.server.autologout);
    log_summary(login.user, client, outcome.summary, outcome.ended);
    return 0;
}

}  // namespace pop3d::session
