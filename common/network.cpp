#include "common/network.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace pop3d {
namespace {

Error bad(std::string_view text, const std::string& why) {
    return make_error(ErrorKind::invalid, "bad network '" + std::string(text) + "': " + why);
}

std::size_t length_of(int family) { return family == AF_INET ? 4 : 16; }

// Whether the first `prefix` bits of a and b agree.
bool same_prefix(const unsigned char* a, const unsigned char* b, unsigned prefix) {
    unsigned whole = prefix / 8;
    if (std::memcmp(a, b, whole) != 0) return false;
    unsigned rest = prefix % 8;
    if (rest == 0) return true;
    auto mask = static_cast<unsigned char>(0xff << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

}  // namespace

Result<Network> parse_network(std::string_view text) {
    std::string_view address = text;
    std::string_view prefix;
    if (auto slash = text.find('/'); slash != std::string_view::npos) {
        address = text.substr(0, slash);
        prefix = text.substr(slash + 1);
    }
    if (address.empty() || address.size() >= INET6_ADDRSTRLEN) return bad(text, "not a numeric IP address");
    char buf[INET6_ADDRSTRLEN] = {};
    std::memcpy(buf, address.data(), address.size());
    Network n;
    if (inet_pton(AF_INET, buf, n.bytes.data()) == 1)
        n.family = AF_INET;
    else if (inet_pton(AF_INET6, buf, n.bytes.data()) == 1)
        n.family = AF_INET6;
    else
        return bad(text, "not a numeric IP address");
    const unsigned bits = static_cast<unsigned>(length_of(n.family) * 8);
    n.prefix = bits;
    if (text.find('/') != std::string_view::npos) {
        if (prefix.empty() || prefix.size() > 3 || (prefix.size() > 1 && prefix[0] == '0'))
            return bad(text, "bad prefix length");
        unsigned v = 0;
        for (char c : prefix) {
            if (c < '0' || c > '9') return bad(text, "bad prefix length");
            v = v * 10 + static_cast<unsigned>(c - '0');
        }
        if (v > bits) return bad(text, "prefix longer than " + std::to_string(bits) + " bits");
        n.prefix = v;
    }
    Network cleared = n;
    for (unsigned bit = n.prefix; bit < bits; ++bit)
        cleared.bytes[bit / 8] &= static_cast<unsigned char>(~(0x80 >> (bit % 8)));
    if (cleared.bytes != n.bytes) return bad(text, "address has bits set beyond the prefix");
    return n;
}

std::string format_network(const Network& network) {
    char text[INET6_ADDRSTRLEN] = {};
    if (!inet_ntop(network.family, network.bytes.data(), text, sizeof text)) return "?";
    return std::string(text) + "/" + std::to_string(network.prefix);
}

bool network_contains(const Network& network, const sockaddr_storage& address) {
    const unsigned char* bytes = nullptr;
    int family = address.ss_family;
    if (family == AF_INET) {
        bytes = reinterpret_cast<const unsigned char*>(&reinterpret_cast<const sockaddr_in*>(&address)->sin_addr);
    } else if (family == AF_INET6) {
        const auto* in6 = &reinterpret_cast<const sockaddr_in6*>(&address)->sin6_addr;
        bytes = in6->s6_addr;
        if (IN6_IS_ADDR_V4MAPPED(in6)) {
            family = AF_INET;
            bytes += 12;
        }
    } else {
        return false;
    }
    return family == network.family && same_prefix(bytes, network.bytes.data(), network.prefix);
}

}  // namespace pop3d
