// The PROXY protocol header (HAProxy's specification, versions 1 and 2) a
// load balancer puts in front of the client's bytes, so that the server
// learns the client's address. Parsing is pure: bytes in, a header, "need
// more" or an error out. What to trust (proxy_from) is decided elsewhere.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <string_view>
#include <variant>

#include "common/result.h"

namespace pop3d::proxy {

struct ProxyHeader {
    int version = 0;  // 1 or 2
    // False for a v2 LOCAL command (the balancer's own health check), a v1
    // UNKNOWN line and a v2 UNSPEC family: the connection's own addresses
    // stand. True when `source` holds the client's AF_INET/AF_INET6 address.
    bool proxied = false;
    sockaddr_storage source{};
    std::size_t length = 0;  // octets of the header, to be consumed
};

// Not yet a whole header: it is at least this many octets long in all, so a
// reader may read up to that many without taking any of the client's bytes.
struct NeedMore {
    std::size_t total_at_least = 0;
};

using ParseOutcome = std::variant<NeedMore, ProxyHeader>;

// Parses the header at the start of `bytes`. Never looks past the header;
// the bytes after it are the client's. A header longer than max_length
// (at most limits::proxy_header) is an error.
[[nodiscard]] Result<ParseOutcome> parse_proxy_header(std::string_view bytes, std::size_t max_length);

}  // namespace pop3d::proxy
