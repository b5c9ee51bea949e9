// pop3d-session -p: under inetd or systemd behind a load balancer, the
// connection starts with a PROXY header. It is read before anything else
// (before the greeting, before the front is forked), only from a peer in
// [server] proxy_from and within proxy_header_timeout, and the address it
// carries is the client's from then on.
#pragma once

#include <string>

#include "common/config.h"
#include "common/result.h"

namespace pop3d::session {

// Returns the client's address as text (common/peer_address.h), or why the
// connection is refused.
Result<std::string> read_proxy_preamble(int fd, const ServerConfig& server);

}  // namespace pop3d::session
