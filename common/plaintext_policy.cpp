#include "common/plaintext_policy.h"

#include <arpa/inet.h>

#include <string>

namespace pop3d {

bool is_loopback_address(std::string_view address) {
    std::string text(address);
    in_addr v4{};
    if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
    return false;
}

bool tls_required_for(RequireTls setting, std::string_view address) {
    switch (setting) {
        case RequireTls::no: return false;
        case RequireTls::yes: return true;
        case RequireTls::except_loopback: break;
    }
    return !is_loopback_address(address);
}

}  // namespace pop3d
