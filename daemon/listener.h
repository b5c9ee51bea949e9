// The listener's event loop: accept, admit or refuse, start a session, reap
// it; SIGHUP reloads the configuration, SIGTERM and SIGINT stop accepting
// (running sessions are left to finish on their own).
#pragma once

#include <signal.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/result.h"
#include "common/unique_fd.h"
#include "daemon/listen_sockets.h"
#include "daemon/proxy_wait_list.h"
#include "daemon/prelogin_table.h"
#include "daemon/session_table.h"
#include "daemon/spawn_session.h"

namespace pop3d::daemon {

// A validated configuration and the sealed copy of its text that sessions get.
struct LoadedConfig {
    Config config;
    UniqueFd sealed_text;
};

// Reads, validates (parse_config holds every refusal) and seals the file.
Result<LoadedConfig> load_listener_config(const std::string& path);

// The signals the loop reads from its signalfd (blocked otherwise).
sigset_t listener_signals();

class Listener {
public:
    // signals: a signalfd for listener_signals(); original_mask: the mask
    // to restore in sessions.
    Listener(std::string config_path, LoadedConfig config, std::vector<ListenSocket> sockets,
             SessionCommand command, UniqueFd signals, const sigset_t& original_mask);

    // Returns when told to stop.
    Status run();

private:
    void accept_from(const ListenSocket& socket);
    // A connection on a proxy_listen address: from a peer in proxy_from, it
    // waits for its header (daemon/proxy_wait_list.h).
    void await_proxy_header(UniqueFd connection, const sockaddr_storage& peer, const ListenSocket& socket);
    void serve_proxied(std::vector<HeaderWait> done);
    // address: for logs; limit_key: what max_sessions_per_ip counts by;
    // told: whether a PROXY header gave the address (the session is told it);
    // implicit_tls: the connection came to a tls_listen address.
    void serve(UniqueFd connection, const std::string& address, const std::string& limit_key, bool told,
               bool implicit_tls);
    void reap();
    void reload();
    // A session's login pipe became readable or closed: it logged in (or
    // ended), and no longer counts as pre-login.
    void logged_in(int pipe_fd);
    // Whether a new session from `limit_key` fits among the pre-login ones;
    // may end the oldest session of the address holding the most.
    bool admit_prelogin(const std::string& address, const std::string& limit_key);

    std::string config_path_;
    LoadedConfig config_;
    std::vector<ListenSocket> sockets_;
    SessionCommand command_;
    UniqueFd signals_;
    sigset_t original_mask_;
    SessionTable sessions_;
    ProxyWaitList proxy_waits_;
    // Sessions until their monitor closes its end of the login pipe
    // (pop3d-session -L); the read ends by session.
    PreloginTable prelogin_;
    std::map<pid_t, UniqueFd> login_pipes_;
    std::mt19937 random_{std::random_device{}()};
    bool out_of_descriptors_ = false;
};

}  // namespace pop3d::daemon
