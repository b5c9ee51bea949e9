#include "sessiond/session.h"

#include <fcntl.h>
#include <malloc.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>

#include "common/child_process.h"
#include "common/config_handoff.h"
#include "common/exit_status.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/mbox/locks/dotlock_keeper.h"
#include "common/mbox/locks/session_lock_key.h"
#include "common/mbox/open.h"
#include "common/mbox/state/state_dir_fallback.h"
#include "common/peer_address.h"
#include "common/plaintext_policy.h"
#include "common/pop3/apop.h"
#include "common/pop3/login_replies.h"
#include "common/pop3/replies.h"
#include "common/sanitizer_report.h"
#include "common/unique_fd.h"
#include "sessiond/auth_helper.h"
#include "sessiond/become_owner.h"
#include "sessiond/client_io.h"
#include "sessiond/front.h"
#include "sessiond/front_filter.h"
#include "sessiond/helper_verifier.h"
#include "sessiond/mbox_notes.h"
#include "sessiond/monitor.h"
#include "sessiond/session_end.h"
#include "sessiond/session_filter.h"
#include "sessiond/tls_session.h"
#include "sessiond/transaction_driver.h"

namespace pop3d::session {
namespace {

void say(const std::string& line) {
    ClientOutput out(STDOUT_FILENO, limits::last_line_seconds);
    auto ignored = out.write(line);
    (void)ignored;  // the session ends right after either way
}

// Forks the front on its end of the socketpair; it never returns in the child.
Result<pid_t> fork_front(UniqueFd front_end, const Config& config, const FrontSettings& settings, bool as_root,
                         TlsSession& tls, const SandboxProbe& probe) {
    const pid_t monitor = getpid();
    // The front keeps the connection (0, 1), stderr, its socket (3) and, with
    // TLS, the relay socket (4) and its report pipe (5); the socket to the
    // monitor's end is closed.
    DescriptorMap fds;
    fds.put(STDIN_FILENO, STDIN_FILENO).put(STDOUT_FILENO, STDOUT_FILENO).inherit(STDERR_FILENO).put(3, front_end.get());
    if (tls.relay_front_end.valid()) fds.put(4, tls.relay_front_end.get());
    if (tls.relay_report_write.valid()) fds.put(5, tls.relay_report_write.get());
    return spawn_function(fds, [&] {
        sanitizer::report_to_own_file("pop3d-session-front");
        // Its own syslog socket, connected before the chroot hides /dev/log
        // and the sandbox forbids socket().
        log::reconnect();
        if (auto st = drop_front_privileges(config.privsep, as_root); !st) {
            log::error("front: cannot drop privileges: %s", st.error().message.c_str());
            return 1;
        }
        // It dies with its monitor (set after the uid change, which clears
        // it), so that it never holds the client's connection on its own.
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != monitor) return 1;
        if (auto st = enter_front_sandbox(); !st) {
            log::error("%s", st.error().message.c_str());
            return 1;
        }
        run_sandbox_probe(probe);
        return run_front(STDIN_FILENO, STDOUT_FILENO, 3, settings, std::move(tls.context));
    });
}

// Whether the process ended with status 0, waiting at most limit_millis.
// A front that does not exit in time is killed where the monitor can (it
// keeps CAP_KILL until login for that, capabilities.h), so no front outlives
// its session; where it cannot (after login, as the mailbox owner) it is left
// alone rather than holding the session.
bool reap(pid_t pid, int limit_millis = limits::front_exit_millis) {
    const ChildEnd end = reap_within(pid, std::chrono::milliseconds(limit_millis));
    switch (end.how) {
        case ChildEnd::How::exited: break;
        case ChildEnd::How::killed:
            log::error("the front (pid %d) did not exit; killing it", static_cast<int>(pid));
            return false;
        case ChildEnd::How::unkillable:
            log::error("the front (pid %d) did not exit; killing it", static_cast<int>(pid));
            log::error("kill front %d: %s; going on without it", static_cast<int>(pid), std::strerror(end.error));
            return false;
        case ChildEnd::How::lost: return false;
    }
    if (const int sig = end.signal(); sig != 0)
        log::error("the front (pid %d) was killed by signal %d%s", static_cast<int>(pid), sig,
                   sig == SIGSYS ? " (SIGSYS: a system call its sandbox forbids)" : "");
    return end.succeeded();
}

// no_new_privs disarms liblockfile's setgid helper, so where the owner
// cannot write the spool directory (Debian's /var/mail) a keeper process
// with the spool's group makes the dotlock; null where none is needed.
Result<std::unique_ptr<mbox::DotlockKeeper>> start_dotlock_keeper(const MailConfig& mail, const Login& login,
                                                                 bool as_root) {
    bool dotlock = false;
    for (LockMethod m : mail.locking) dotlock = dotlock || m == LockMethod::dotlock;
    if (!dotlock || !as_root) return std::unique_ptr<mbox::DotlockKeeper>();
    auto group = mbox::dotlock_spool_group(login.maildrop, login.uid);
    if (!group) return std::unique_ptr<mbox::DotlockKeeper>();
    return mbox::DotlockKeeper::start(login.maildrop + ".lock", login.uid, *group);
}

// Everything the phases of a session share, from the connection to the
// summary.
struct Session {
    explicit Session(SessionSetup& setup) : setup(setup), config(setup.config) {}
    SessionSetup& setup;
    const Config& config;
    bool as_root = geteuid() == 0;
    std::string client;
    std::string timestamp;
    UniqueFd monitor_end;
    FrontSettings front_settings;
    std::optional<TlsSession> tls;
    pid_t front = -1;
    MonitorResult authorization;  // who logged in (or tried), over which TLS
    bool relayed = false;         // the front stays and relays TLS
    mbox::Notes mbox_notes;                       // outlives the keeper and the maildrop
    std::unique_ptr<mbox::DotlockKeeper> keeper;  // outlives the maildrop
    std::unique_ptr<Maildrop> maildrop;
    pop3::SessionSummary summary;
};

// How a phase ended the session. The phase has logged why; the client is
// told `last_line` (if any) and the summary says `how`.
struct Ending {
    Ended how;
    int status = 0;  // the process's exit status
    std::string last_line;
};
using Phase = std::optional<Ending>;  // nothing: the next phase runs

Ending cannot_start() {
    return Ending{Ended::error, exit_status::temporary,
                  pop3::err(pop3::ResponseCode::sys_temp, "cannot start a session")};
}

// Until the front runs: the connection's address and mode, the socketpair,
// the TLS set-up, the front.
Phase start(Session& s) {
    const Config& config = s.config;
    s.client = s.setup.client.empty() ? peer_address(STDIN_FILENO) : s.setup.client;
    // socat (EXEC:) hands over a Unix socket and names the client itself.
    if (const char* socat_peer = getenv("SOCAT_PEERADDR"); s.client == "unknown" && socat_peer)
        s.client = log::sanitize(socat_peer);
    send_without_delay(STDOUT_FILENO);
    for (int fd : {STDIN_FILENO, STDOUT_FILENO}) {
        if (Status st = stop_blocking(fd); !st) {
            log::error("client %s: %s", s.client.c_str(), st.error().message.c_str());
            return Ending{Ended::error, exit_status::os_error, {}};
        }
    }
    if (!s.as_root) {
        struct passwd* pw = getpwuid(geteuid());
        log::notice("not started as root: single-user mode, serving only the maildrop of %s",
                    pw ? pw->pw_name : std::to_string(geteuid()).c_str());
    }
    s.timestamp = pop3::make_apop_timestamp(getpid(), std::time(nullptr), config.server.hostname);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        log::error("socketpair: %s", std::strerror(errno));
        return cannot_start();
    }
    s.monitor_end.reset(sv[0]);
    UniqueFd front_end(sv[1]);
    s.front_settings = FrontSettings{config.server.greeting, s.timestamp, config.server.autologout,
                                     tls_required_for(config.tls.require_tls, s.client)};
    s.front_settings.tls_configured = config.tls_configured();
    s.front_settings.stls = config.tls.stls;
    s.front_settings.implicit_tls = s.setup.implicit_tls;
    s.front_settings.handshake_timeout = config.tls.handshake_timeout;
    s.front_settings.relay_fd = config.tls_configured() ? 4 : -1;
    s.front_settings.relay_report_fd = config.tls_configured() ? 5 : -1;
    s.front_settings.min_send_rate = config.server.min_send_rate;
    s.front_settings.send_rate_window = config.server.send_rate_window;
    auto tls = prepare_tls_session(config);
    if (!tls) {
        log::error("client %s: %s", s.client.c_str(), tls.error().message.c_str());
        return cannot_start();
    }
    s.tls = std::move(*tls);
    // The front is forked before pop3d-auth starts, so it never holds the
    // socket to pop3d-auth, and before the TLS key is read, so it never
    // holds a copy of it.
    auto front = fork_front(std::move(front_end), config, s.front_settings, s.as_root, *s.tls, s.setup.probe);
    s.tls->relay_front_end.reset();
    s.tls->relay_report_write.reset();
    s.tls->context.reset();  // the front's now
    if (!front) {
        log::error("%s", front.error().message.c_str());
        return cannot_start();
    }
    s.front = *front;
    return std::nullopt;
}

// AUTHORIZATION: the front talks to the client, the monitor answers its
// credential frames with pop3d-auth's verdicts.
Phase authorize(Session& s) {
    const Config& config = s.config;
    // pop3d-auth is handed its sealed copy as a descriptor (the monitor is
    // not dumpable, so its /proc/PID/fd is closed to pop3d-auth); the
    // monitor keeps it open until pop3d-auth is gone.
    auto auth_config = seal_auth_config(config);
    if (!auth_config) log::error("%s", auth_config.error().message.c_str());
    HelperVerifier verifier(s.setup.auth_program, auth_config ? auth_config->get() : -1);
    if (auto st = offer_tls(*s.tls, config, s.monitor_end.get(), s.client); !st)
        log::error("client %s: %s", s.client.c_str(), st.error().message.c_str());

    MonitorSettings settings;
    settings.apop_timestamp = s.timestamp;
    settings.max_attempts = config.auth.max_attempts;
    settings.failure_delay = std::chrono::seconds(config.auth.failure_delay);
    settings.client = s.client;
    settings.front_timeout_seconds = config.server.autologout + limits::front_grace_seconds;
    settings.login_timeout_seconds = config.server.login_timeout;
    settings.policy = LoginPolicy{config.auth.min_uid, !s.as_root, geteuid(), config.mail.maildrop, config.mail.state_dir};
    settings.tls_key = s.tls->key.get();
    settings.require_tls = s.front_settings.require_tls;
    s.authorization = converse_with_front(s.monitor_end.get(), verifier, settings);
    const MonitorResult& result = s.authorization;
    s.tls->key.reset();  // wiped before anything else happens, let alone a change of owner
    if (result.login) s.setup.login_pipe.reset();
    // Closing the socket ends a front still waiting; pop3d-auth goes before
    // the monitor gives up root.
    s.monitor_end.reset();
    verifier.stop();
    if (auth_config) auth_config->reset();
    // After a login over TLS the front stays and relays; else it has ended.
    if (result.login && !result.tls.empty()) {
        if (auto st = switch_to_relay(*s.tls); !st) {
            log::error("client %s: %s", s.client.c_str(), st.error().message.c_str());
            return Ending{Ended::error, exit_status::temporary, {}};
        }
        s.relayed = true;
    } else if (!reap(s.front) && !result.login) {
        // It could not drop its privileges, or it crashed: the client is
        // told instead of finding the connection silently closed.
        log::error("client %s: the front failed", s.client.c_str());
        return Ending{result.ended, 0, pop3::err(pop3::ResponseCode::sys_temp, "server error, try again later")};
    }
    if (!result.login) {
        // Over TLS the front holds the connection's state: nothing in clear.
        const bool tell = result.ended == Ended::login_timeout && result.tls.empty();
        return Ending{result.ended, 0, tell ? pop3::err(pop3::ResponseCode::none, "no login in time") : ""};
    }
    return std::nullopt;
}

// The change of owner and the maildrop: the last things done as root, then
// the session's own sandbox, then the lock and the index.
Phase open_maildrop(Session& s) {
    const Login& login = *s.authorization.login;
    // Made while still root, it must outlive the maildrop below.
    auto keeper = start_dotlock_keeper(s.config.mail, login, s.as_root);
    if (!keeper) {
        log::error("user \"%s\": %s", login.user.c_str(), keeper.error().message.c_str());
        return Ending{Ended::error, exit_status::temporary, pop3::open_failure_reply(ErrorKind::temporary)};
    }
    s.keeper = std::move(*keeper);
    // An account without a home gets a state directory root prepares now
    // (state_dir_fallback.h); without one UPDATE could not delete safely.
    std::string state_dir = login.state_dir;
    if (s.as_root) {
        auto fallback = mbox::prepare_state_dir_fallback(login.state_dir, login.maildrop, login.uid, login.gid);
        if (!fallback)
            log::warning("user \"%s\": no state directory: %s", login.user.c_str(), fallback.error().message.c_str());
        else if (!fallback->empty())
            state_dir = *fallback;
    }
    // Read while root: only root can read it (session_lock.h).
    Secret lock_key;
    if (s.as_root) {
        auto key = mbox::load_session_lock_key(limits::session_lock_key_file);
        if (key)
            lock_key = std::move(*key);
        else
            log::warning("%s; the session lock's name is unkeyed", key.error().message.c_str());
    }
    if (auto st = become_mailbox_owner(login, s.as_root); !st) {
        log::error("user \"%s\": cannot become %s: %s", login.user.c_str(), login.owner.c_str(),
                   st.error().message.c_str());
        return Ending{Ended::error, exit_status::temporary, pop3::open_failure_reply(ErrorKind::temporary)};
    }
    if (auto st = enter_session_filter(); !st) {
        log::error("user \"%s\": %s", login.user.c_str(), st.error().message.c_str());
        return Ending{Ended::error, exit_status::temporary, pop3::open_failure_reply(ErrorKind::temporary)};
    }
    mbox::OpenRequest request{login.maildrop, state_dir, &s.config.mail, s.keeper.get(), lock_key.view(),
                              &s.mbox_notes};
    auto maildrop = mbox::open_maildrop(request);
    log_mbox_notes(s.mbox_notes);
    if (!maildrop) {
        const Error& e = maildrop.error();
        // The one log line of the failure (the mbox code only returns it); a
        // maildrop in use by another session is routine.
        const bool in_use = e.kind == ErrorKind::in_use;
        if (in_use)
            log::warning("user \"%s\": %s", login.user.c_str(), e.message.c_str());
        else
            log::error("user \"%s\": %s", login.user.c_str(), e.message.c_str());
        return Ending{in_use ? Ended::in_use : Ended::maildrop_error, 0, pop3::open_failure_reply(e.kind)};
    }
    s.maildrop = std::move(*maildrop);
    log::info("user \"%s\" logged in from %s", login.user.c_str(), s.client.c_str());
    return std::nullopt;
}

// TRANSACTION and UPDATE.
Ending transact(Session& s) {
    // Login and indexing are done: what they freed (frames, the index
    // builder's buffers, the scanner thread's arena) goes back to the kernel
    // before the session idles, which is most of its life.
    malloc_trim(0);
    const std::string reply = pop3::login_reply(s.authorization.login->user, *s.maildrop);
    TransactionOutcome outcome =
        run_transaction(STDIN_FILENO, STDOUT_FILENO, *s.maildrop, reply, s.authorization.unconsumed,
                        s.config.server.autologout,
                        SendRateFloor(s.config.server.min_send_rate, s.config.server.send_rate_window));
    if (!outcome.too_slow.empty())
        log::notice("user \"%s\" client %s: %s", s.authorization.login->user.c_str(), s.client.c_str(),
                    outcome.too_slow.c_str());
    s.summary = outcome.summary;
    log_mbox_notes(s.mbox_notes);  // UPDATE's
    return Ending{outcome.ended, 0, {}};
}

// Lets go of the maildrop and its locks, then of the dotlock keeper, and
// logs what they had to tell. Idempotent.
void release_maildrop(Session& s) {
    s.maildrop.reset();
    if (s.keeper) {
        if (Status st = s.keeper->stop(); !st) log::error("mbox: %s", st.error().message.c_str());
        s.keeper.reset();
    }
    log_mbox_notes(s.mbox_notes);
}

Ending run_phases(Session& s) {
    if (Phase ended = start(s)) return *ended;
    if (Phase ended = authorize(s)) return *ended;
    if (Phase ended = open_maildrop(s)) return *ended;
    return transact(s);
}

// The one end of every session: the last line to the client, the summary
// line, and with TLS the relay's wind-down. Returns the exit status.
int end_session(Session& s, const Ending& ending) {
    if (!ending.last_line.empty()) say(ending.last_line);
    const MonitorResult& a = s.authorization;
    const std::string& user = a.login ? a.login->user : a.user;
    log::info("session: user=\"%s\" client=%s tls=%s %s ended=%s", user.empty() ? "-" : user.c_str(),
              s.client.c_str(), a.tls.empty() ? "no" : a.tls.c_str(), pop3::format_summary(s.summary).c_str(),
              ended_name(ending.how));
    if (s.relayed) {
        // The front sends what is left and ends when the relay closes.
        close(STDIN_FILENO);
        close(STDOUT_FILENO);
        // It may still be sending to a slow client, as long as its own idle
        // bound allows; the maildrop and its locks are let go first.
        release_maildrop(s);
        // autologout is at most 86400 s (config_keys.cpp), so this fits an int.
        int relay_bound = static_cast<int>(s.config.server.autologout + limits::front_grace_seconds) * 1000;
        if (!reap(s.front, relay_bound)) log::error("client %s: the TLS relay ended on an error", s.client.c_str());
        if (std::string report = read_relay_report(*s.tls); !report.empty())
            log::notice("client %s: TLS relay: %s", s.client.c_str(), report.c_str());
    }
    release_maildrop(s);
    return ending.status;
}

}  // namespace

int run_session(SessionSetup& setup) {
    Session session(setup);
    const Ending ending = run_phases(session);
    return end_session(session, ending);
}

}  // namespace pop3d::session
