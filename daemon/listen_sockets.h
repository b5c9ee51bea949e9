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
    std::string name;   // as configured: "127.0.0.1:110", "[::1]:110", "127.0.0.1:0"
    std::string bound;  // as bound, for logs: the name with the port the kernel chose for port 0
    bool proxy = false;  // a proxy_listen address: a PROXY header comes first
};

// Binds and listens on every endpoint; fails (closing what it opened) if any
// one cannot be used, naming the address and the reason.
Result<std::vector<ListenSocket>> open_listen_sockets(const std::vector<Endpoint>& endpoints);

std::string endpoint_name(const Endpoint& endpoint);

}  // namespace pop3d::daemon
