// Connections accepted on a proxy_listen address whose PROXY header has not
// arrived yet. The listener reads the header itself, before it forks a
// session, so that max_sessions_per_ip counts the client the header names
// and a flood through the balancer costs no process; the session is then
// handed the address (pop3d-session -a). Each connection has a deadline
// (proxy_header_timeout) and the list a bound (limits::proxy_headers_pending).
#pragma once

#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <list>
#include <string>
#include <vector>

#include "common/proxy_reader.h"
#include "common/result.h"
#include "common/unique_fd.h"

namespace pop3d::daemon {

using Clock = std::chrono::steady_clock;

// A connection whose wait is over: with the header, or with why not.
struct HeaderWait {
    UniqueFd connection;
    sockaddr_storage peer{};
    bool implicit_tls = false;  // it came to a proxy_tls_listen address
    Result<proxy::ProxyHeader> header = make_error(ErrorKind::invalid, "not read");
};

class ProxyWaitList {
public:
    // False (and the connection is closed by the caller's UniqueFd going
    // away) when limits::proxy_headers_pending are waiting already.
    bool add(UniqueFd connection, const sockaddr_storage& peer, Clock::time_point deadline, bool implicit_tls);
    // One entry per waiting connection, appended to fds.
    void add_poll_fds(std::vector<pollfd>& fds) const;
    // Milliseconds until the nearest deadline (at least 0), or -1 if none.
    int next_timeout_ms(Clock::time_point now) const;
    // Reads from the connections poll found readable (their fds among
    // `ready`) and takes out those that are done or past their deadline.
    std::vector<HeaderWait> advance(const std::vector<pollfd>& ready, Clock::time_point now);
    std::size_t size() const { return waiting_.size(); }

private:
    struct Waiting {
        UniqueFd connection;
        sockaddr_storage peer{};
        Clock::time_point deadline;
        bool implicit_tls = false;
        proxy::ProxyHeaderReader reader;
    };
    std::list<Waiting> waiting_;
};

}  // namespace pop3d::daemon
