// What `pop3d -t` says about TLS beyond the syntax of the file: the key
// must match the certificate and be readable by its owner alone (errors);
// a certificate that expires within 14 days, and plaintext logins allowed
// from addresses that are not loopback, are warned about.
#pragma once

#include <string>
#include <vector>

#include "common/config.h"

namespace pop3d::daemon {

struct TlsCheck {
    std::vector<std::string> errors;
    std::vector<std::string> warnings;
};

// Reads cert and key (when configured); `now` is the time to check expiry against.
TlsCheck check_tls(const Config& config, long long now);

// Whether a listen address can be reached from elsewhere than this host
// (0.0.0.0 and :: can).
bool reachable_from_elsewhere(const Endpoint& endpoint);

}  // namespace pop3d::daemon
