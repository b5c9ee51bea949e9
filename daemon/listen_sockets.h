// The listener's sockets: one per configured address, non-blocking and
// close-on-exec so that no session inherits them.
#pragma once

#include <string>
#include <vector>

#include "common/config.h"
#include "common/result.h"
#include "common/unique_fd.h"

namespace pop3d::daemon {

struct ListenSocket {
    UniqueFd fd;
    std::string name;   // the address as configured, marked: "127.0.0.1:110", "127.0.0.1:995 (TLS)"
    std::string bound;  // for logs: the name with the port the kernel chose for port 0
    bool implicit_tls = false;  // a tls_listen address: sessions start with a handshake
    bool proxy = false;         // a proxy_listen address: a PROXY header comes first
};

// Binds and listens on every endpoint; fails (closing what it opened) if any
// one cannot be used, naming the address and the reason.
Result<std::vector<ListenSocket>> open_listen_sockets(const std::vector<Endpoint>& endpoints);

std::string endpoint_name(const Endpoint& endpoint);

// The name a socket has in logs and across reloads.
std::string socket_name(const Endpoint& endpoint, bool implicit_tls, bool proxy);

// Every address of [server]: `listen`, `tls_listen`, `proxy_listen`,
// `proxy_tls_listen`, each marked.
struct WantedSocket {
    Endpoint endpoint;
    bool implicit_tls = false;
    bool proxy = false;
};
std::vector<WantedSocket> wanted_sockets(const ServerConfig& server);
// Gives an opened socket the name and the marks of what it was opened for.
void mark(ListenSocket& socket, const WantedSocket& wanted);

// Opens every wanted socket (open_listen_sockets' rules), named and marked.
Result<std::vector<ListenSocket>> open_server_sockets(const ServerConfig& server);

}  // namespace pop3d::daemon
