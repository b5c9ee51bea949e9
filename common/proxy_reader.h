// Reading a PROXY header off a connection without taking any of the
// client's bytes: each read asks for no more than the parser says the
// header still has at least (common/proxy_header.h). Used by the listener
// (non-blocking, from its event loop) and by pop3d-session -p (with a
// deadline, under inetd or systemd).
#pragma once

#include <sys/socket.h>

#include <optional>
#include <string>
#include <vector>

#include "common/limits.h"
#include "common/network.h"
#include "common/proxy_header.h"
#include "common/result.h"

namespace pop3d::proxy {

class ProxyHeaderReader {
public:
    // Reads what the socket `fd` has now, without blocking: the header once it
    // is whole, nothing when it has to wait for more, an error for a bad
    // header, a connection closed before its end, or a failed read.
    Result<std::optional<ProxyHeader>> advance(int fd);

private:
    std::string buffer_;
};

// Blocks until the whole header arrived or timeout_ms passed.
Result<ProxyHeader> read_proxy_header(int fd, int timeout_ms);

// Whether a peer may send a PROXY header: it lies in one of the networks.
bool trusted_proxy(const std::vector<Network>& proxy_from, const sockaddr_storage& peer);

// The client's address: the header's source when it carries one, else
// (LOCAL, UNKNOWN, UNSPEC: the balancer speaking for itself) the peer's.
sockaddr_storage client_address(const ProxyHeader& header, const sockaddr_storage& peer);

}  // namespace pop3d::proxy
