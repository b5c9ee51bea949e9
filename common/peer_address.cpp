#include "common/peer_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace pop3d {

std::string format_address(const sockaddr_storage& address) {
    char text[INET6_ADDRSTRLEN] = {};
    if (address.ss_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&address);
        if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof text)) return text;
    } else if (address.ss_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address);
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
            in_addr v4;
            std::memcpy(&v4, in6->sin6_addr.s6_addr + 12, sizeof v4);
            if (inet_ntop(AF_INET, &v4, text, sizeof text)) return text;
        } else if (inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text)) {
            return text;
        }
    }
    return "unknown";
}

std::string limit_key(const sockaddr_storage& address) {
    if (address.ss_family != AF_INET6) return format_address(address);
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address);
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) return format_address(address);
    in6_addr prefix = in6->sin6_addr;
    std::memset(prefix.s6_addr + 8, 0, 8);
    char text[INET6_ADDRSTRLEN] = {};
    if (!inet_ntop(AF_INET6, &prefix, text, sizeof text)) return "unknown";
    return std::string(text) + "/64";
}

std::string peer_address(int fd) {
    sockaddr_storage address{};
    socklen_t len = sizeof address;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&address), &len) != 0) return "unknown";
    return format_address(address);
}

}  // namespace pop3d
