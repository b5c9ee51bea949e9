// Whether a client may send credentials before TLS ([tls] require_tls).
// Pure: the setting and the client's address in, the answer out.
#pragma once

#include <string_view>

#include "common/config.h"

namespace pop3d {

// 127.0.0.0/8 and ::1, as peer_address() writes them (IPv4-mapped IPv6
// addresses are written as IPv4 there).
bool is_loopback_address(std::string_view address);

// Whether credentials must wait for TLS for a client at `address`.
// "unknown" (a pipe or a Unix socket: socat without SOCAT_PEERADDR, a
// terminal) counts as remote, so the default never takes a password in the
// clear from a connection whose origin it cannot see.
bool tls_required_for(RequireTls setting, std::string_view address);

}  // namespace pop3d
