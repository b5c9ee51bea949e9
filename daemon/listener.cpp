#include "daemon/listener.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/config_handoff.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/peer_address.h"
#include "common/proxy_reader.h"

namespace pop3d::daemon {
namespace {

// One line, without waiting: a client that does not read gets nothing. The
// socket is then shut down for writing so the line is not lost to a reset.
void refuse(int fd, const char* line) {
    ssize_t ignored = send(fd, line, std::strlen(line), MSG_DONTWAIT | MSG_NOSIGNAL);
    (void)ignored;  // a refused client that cannot take one line gets none
    shutdown(fd, SHUT_WR);
}

}  // namespace

Result<LoadedConfig> load_listener_config(const std::string& path) {
    auto text = read_config_text(path);
    if (!text) return text.error();
    auto config = parse_config(*text, path);
    if (!config) return config.error();
    auto sealed = seal_config_text(*text);
    if (!sealed) return sealed.error();
    return LoadedConfig{std::move(*config), std::move(*sealed)};
}

sigset_t listener_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGCHLD, SIGHUP, SIGTERM, SIGINT}) sigaddset(&set, sig);
    return set;
}

Listener::Listener(std::string config_path, LoadedConfig config, std::vector<ListenSocket> sockets,
                   SessionCommand command, UniqueFd signals, const sigset_t& original_mask)
    : config_path_(std::move(config_path)),
      config_(std::move(config)),
      sockets_(std::move(sockets)),
      command_(std::move(command)),
      signals_(std::move(signals)),
      original_mask_(original_mask) {}

Status Listener::run() {
    for (const auto& s : sockets_) log::info("listening on %s", s.bound.c_str());
    for (;;) {
        std::vector<pollfd> fds;
        fds.push_back({signals_.get(), POLLIN, 0});
        // Out of descriptors, a pending connection would wake poll at once
        // forever; the sockets rest a moment while sessions end.
        int timeout = -1;
        if (out_of_descriptors_)
            timeout = limits::accept_pause_ms;
        else
            for (const auto& s : sockets_) fds.push_back({s.fd.get(), POLLIN, 0});
        out_of_descriptors_ = false;
        const std::size_t listening_end = fds.size();
        proxy_waits_.add_poll_fds(fds);
        int header_timeout = proxy_waits_.next_timeout_ms(Clock::now());
        if (header_timeout >= 0 && (timeout < 0 || header_timeout < timeout)) timeout = header_timeout;
        const std::size_t first_pipe = fds.size();
        for (const auto& [pid, pipe] : login_pipes_) fds.push_back({pipe.get(), POLLIN, 0});
        int n = poll(fds.data(), fds.size(), timeout);
        if (n < 0) {
            if (errno == EINTR) continue;
            return make_error(ErrorKind::temporary, std::string("poll: ") + std::strerror(errno));
        }
        // The pipes first: a session that logged in frees its pre-login place
        // before the connections waiting are counted.
        for (std::size_t i = first_pipe; i < fds.size(); ++i)
            if (fds[i].revents) logged_in(fds[i].fd);
        serve_proxied(proxy_waits_.advance(fds, Clock::now()));
        for (std::size_t i = 1; i < listening_end; ++i) {
            if (!(fds[i].revents & POLLIN)) continue;
            for (const auto& s : sockets_)
                if (s.fd.get() == fds[i].fd) accept_from(s);
        }
        if (!(fds[0].revents & POLLIN)) continue;
        signalfd_siginfo info;
        while (read(signals_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
            switch (info.ssi_signo) {
                case SIGCHLD: reap(); break;
                case SIGHUP: reload(); break;
                default:
                    log::info("signal %u: no longer accepting; %zu sessions left to finish",
                              info.ssi_signo, sessions_.total());
                    return {};
            }
        }
    }
}

void Listener::accept_from(const ListenSocket& socket) {
    for (int i = 0; i < limits::accepts_per_wakeup; ++i) {
        sockaddr_storage address{};
        socklen_t len = sizeof address;
        // A connection that waits for its PROXY header is read from the
        // event loop, so it must not block it.
        int flags = SOCK_CLOEXEC | (socket.proxy ? SOCK_NONBLOCK : 0);
        UniqueFd conn(accept4(socket.fd.get(), reinterpret_cast<sockaddr*>(&address), &len, flags));
        if (!conn.valid()) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) out_of_descriptors_ = true;
            if (errno != EAGAIN && errno != EWOULDBLOCK) log::warning("accept: %s", std::strerror(errno));
            return;
        }
        if (socket.proxy)
            await_proxy_header(std::move(conn), address, socket);
        else
            serve(std::move(conn), format_address(address), limit_key(address), false, socket.implicit_tls);
    }
}

void Listener::await_proxy_header(UniqueFd connection, const sockaddr_storage& peer, const ListenSocket& socket) {
    const std::string& socket_name = socket.bound;
    const auto& server = config_.config.server;
    if (!proxy::trusted_proxy(server.proxy_from, peer)) {
        log::notice("refused %s on %s: not in proxy_from", format_address(peer).c_str(), socket_name.c_str());
        return;
    }
    auto deadline = Clock::now() + std::chrono::seconds(server.proxy_header_timeout);
    if (!proxy_waits_.add(std::move(connection), peer, deadline, socket.implicit_tls))
        log::notice("refused %s on %s: %zu connections wait for their PROXY header already",
                    format_address(peer).c_str(), socket_name.c_str(), proxy_waits_.size());
}

void Listener::serve_proxied(std::vector<HeaderWait> done) {
    for (auto& d : done) {
        if (!d.header) {
            log::notice("refused %s: %s", format_address(d.peer).c_str(), d.header.error().message.c_str());
            continue;
        }
        sockaddr_storage client = proxy::client_address(*d.header, d.peer);
        serve(std::move(d.connection), format_address(client), limit_key(client), d.header->proxied, d.implicit_tls);
    }
}

void Listener::serve(UniqueFd connection, const std::string& address, const std::string& limit_key, bool told,
                     bool implicit_tls) {
    const auto& server = config_.config.server;
    switch (sessions_.admit(limit_key, server.max_sessions, server.max_sessions_per_ip)) {
        case Admission::too_many_sessions:
            log::notice("refused %s: %zu sessions (max_sessions)", address.c_str(), sessions_.total());
            refuse(connection.get(), "-ERR [SYS/TEMP] too many sessions, try again later\r\n");
            return;
        case Admission::too_many_from_address:
            log::notice("refused %s: %zu sessions from this address (max_sessions_per_ip)", address.c_str(),
                        sessions_.from(limit_key));
            refuse(connection.get(), "-ERR [SYS/TEMP] too many sessions from your address, try again later\r\n");
            return;
        case Admission::admitted: break;
    }
    if (!admit_prelogin(address, limit_key)) {
        refuse(connection.get(), "-ERR [SYS/TEMP] too many clients logging in, try again later\r\n");
        return;
    }
    int login_pipe[2];
    if (pipe2(login_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        log::error("cannot start a session for %s: pipe: %s", address.c_str(), std::strerror(errno));
        refuse(connection.get(), "-ERR [SYS/TEMP] cannot start a session, try again later\r\n");
        return;
    }
    UniqueFd login_read(login_pipe[0]), login_write(login_pipe[1]);
    auto pid = spawn_session(command_, connection.get(), config_.sealed_text.get(), login_write.get(), original_mask_,
                             told ? address : std::string(), implicit_tls);
    if (!pid) {
        log::error("cannot start a session for %s: %s", address.c_str(), pid.error().message.c_str());
        refuse(connection.get(), "-ERR [SYS/TEMP] cannot start a session, try again later\r\n");
        return;
    }
    sessions_.add(*pid, limit_key);
    prelogin_.add(*pid, limit_key);
    login_pipes_.emplace(*pid, std::move(login_read));
}

bool Listener::admit_prelogin(const std::string& address, const std::string& limit_key) {
    const auto& server = config_.config.server;
    const double random01 = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
    PreloginDecision d = prelogin_.admit(limit_key, server.max_prelogin_start, server.max_prelogin, random01);
    switch (d.kind) {
        case PreloginDecision::Kind::admit: return true;
        case PreloginDecision::Kind::drop:
            log::notice("refused %s: %zu sessions not logged in yet (max_prelogin)", address.c_str(),
                        prelogin_.total());
            return false;
        case PreloginDecision::Kind::evict: break;
    }
    // The session may have logged in since the last poll: then it stays.
    auto pipe = login_pipes_.find(d.evict);
    if (pipe != login_pipes_.end()) {
        pollfd p{pipe->second.get(), POLLIN, 0};
        if (poll(&p, 1, 0) != 0) {
            logged_in(pipe->second.get());
            return true;
        }
    }
    // Not logged in: its monitor is root, so only the listener's CAP_KILL
    // ends it; its front dies with it (PR_SET_PDEATHSIG), pop3d-auth at EOF.
    log::notice("ending session %d, not logged in, of the address with the most (max_prelogin), for %s",
                static_cast<int>(d.evict), address.c_str());
    if (kill(d.evict, SIGKILL) != 0) log::warning("kill %d: %s", static_cast<int>(d.evict), std::strerror(errno));
    prelogin_.remove(d.evict);
    login_pipes_.erase(d.evict);
    return true;
}

void Listener::logged_in(int pipe_fd) {
    for (auto it = login_pipes_.begin(); it != login_pipes_.end(); ++it) {
        if (it->second.get() != pipe_fd) continue;
        prelogin_.remove(it->first);
        login_pipes_.erase(it);
        return;
    }
}

void Listener::reap() {
    // Bounded by the number of children we have (taken once: removing
    // sessions shrinks it); waitpid returns 0 when none is left to collect.
    const std::size_t children = sessions_.total();
    for (std::size_t i = 0; i <= children; ++i) {
        int status = 0;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0) return;
        sessions_.remove(pid);
        prelogin_.remove(pid);
        login_pipes_.erase(pid);
        if (WIFSIGNALED(status))
            log::warning("session %d killed by signal %d", static_cast<int>(pid), WTERMSIG(status));
    }
}

void Listener::reload() {
    auto fresh = load_listener_config(config_path_);
    if (!fresh) {
        log::error("SIGHUP: keeping the old configuration: %s", fresh.error().message.c_str());
        return;
    }
    // Addresses kept keep their sockets (no connection is dropped); new ones
    // are opened before anything is closed, so a failure changes nothing.
    // An address that moves between listen, tls_listen and proxy_listen is
    // a new one (its name carries the marks).
    const auto want = wanted_sockets(fresh->config.server);
    std::vector<ListenSocket> next;
    for (const auto& w : want) {
        std::string name = socket_name(w.endpoint, w.implicit_tls, w.proxy);
        bool have = false;
        for (const auto& s : sockets_) have = have || s.name == name;
        if (have) continue;
        auto opened = open_listen_sockets({w.endpoint});
        if (!opened) {
            log::error("SIGHUP: keeping the old configuration: %s", opened.error().message.c_str());
            return;
        }
        mark(opened->front(), w);
        log::info("listening on %s", opened->front().bound.c_str());
        next.push_back(std::move(opened->front()));
    }
    for (auto& s : sockets_) {
        bool wanted = false;
        for (const auto& w : want) wanted = wanted || socket_name(w.endpoint, w.implicit_tls, w.proxy) == s.name;
        if (wanted)
            next.push_back(std::move(s));
        else
            log::info("no longer listening on %s", s.name.c_str());
    }
    sockets_ = std::move(next);
    config_ = std::move(*fresh);
    log::init("pop3d", config_.config.log.facility, config_.config.log.level, command_.log_to_stderr);
    log::info("configuration reloaded from %s", config_path_.c_str());
}

}  // namespace pop3d::daemon
