// The client's address as text, for logs and the per-address session limit.
// One spelling per host: an IPv4-mapped IPv6 address is written as IPv4.
#pragma once

#include <sys/socket.h>

#include <string>

namespace pop3d {

// Numeric address of an AF_INET or AF_INET6 socket address; "unknown" for
// any other family.
std::string format_address(const sockaddr_storage& address);

// What max_sessions_per_ip counts by: the address for IPv4 (and IPv4-mapped
// IPv6), the /64 prefix for IPv6, since one customer commonly holds a whole
// /64 and could otherwise open sessions without limit. "2001:db8:1:2::/64".
std::string limit_key(const sockaddr_storage& address);

// The peer of a connected socket (getpeername); "unknown" when fd is not an
// internet socket (a pipe from socat, a terminal).
std::string peer_address(int fd);

}  // namespace pop3d
