// An IP network in CIDR notation ("10.0.0.0/8", "2001:db8::/32", a bare
// address for one host), for [server] proxy_from: the peers trusted to
// speak the PROXY protocol.
#pragma once

#include <sys/socket.h>

#include <array>
#include <string>
#include <string_view>

#include "common/result.h"

namespace pop3d {

struct Network {
    int family = 0;                       // AF_INET or AF_INET6
    std::array<unsigned char, 16> bytes{};  // the address, host bits cleared
    unsigned prefix = 0;                  // 0-32 or 0-128

    bool operator==(const Network&) const = default;
};

// "ADDRESS[/PREFIX]"; host bits set under the prefix are an error, since
// they usually mean a typing mistake in the prefix.
Result<Network> parse_network(std::string_view text);

// "10.0.0.0/8", "2001:db8::/32".
std::string format_network(const Network& network);

// Whether the address lies in the network. An IPv4-mapped IPv6 address
// (a dual-stack socket's view of an IPv4 peer) is matched as IPv4.
bool network_contains(const Network& network, const sockaddr_storage& address);

}  // namespace pop3d
