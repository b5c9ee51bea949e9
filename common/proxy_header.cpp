#include "common/proxy_header.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "common/limits.h"

namespace pop3d::proxy {
namespace {

constexpr std::string_view v1_prefix = "PROXY ";
constexpr std::string_view v2_signature{"\r\n\r\n\0\r\nQUIT\n", 12};
constexpr std::size_t v2_head = 16;
// The shortest header of either version, "PROXY UNKNOWN\r\n": reading this
// many octets first cannot take any of the client's.
constexpr std::size_t shortest_header = 15;

Error invalid(const std::string& why) { return make_error(ErrorKind::invalid, "PROXY header: " + why); }

bool starts_like(std::string_view bytes, std::string_view prefix) {
    std::size_t n = std::min(bytes.size(), prefix.size());
    return bytes.substr(0, n) == prefix.substr(0, n);
}

// A decimal port, 0 to 65535, without sign or leading zeros.
bool parse_port(std::string_view s, uint16_t* port) {
    if (s.empty() || s.size() > 5 || (s.size() > 1 && s[0] == '0')) return false;
    unsigned v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (v > 65535) return false;
    *port = static_cast<uint16_t>(v);
    return true;
}

// One numeric address of the family; inet_pton wants a terminated string.
bool parse_address(std::string_view s, int family, sockaddr_storage* out) {
    if (s.empty() || s.size() >= INET6_ADDRSTRLEN) return false;
    char text[INET6_ADDRSTRLEN] = {};
    std::memcpy(text, s.data(), s.size());
    *out = sockaddr_storage{};
    if (family == AF_INET) {
        auto* in = reinterpret_cast<sockaddr_in*>(out);
        in->sin_family = AF_INET;
        return inet_pton(AF_INET, text, &in->sin_addr) == 1;
    }
    auto* in6 = reinterpret_cast<sockaddr_in6*>(out);
    in6->sin6_family = AF_INET6;
    return inet_pton(AF_INET6, text, &in6->sin6_addr) == 1;
}

void set_port(sockaddr_storage* address, uint16_t port) {
    if (address->ss_family == AF_INET)
        reinterpret_cast<sockaddr_in*>(address)->sin_port = htons(port);
    else
        reinterpret_cast<sockaddr_in6*>(address)->sin6_port = htons(port);
}

// "PROXY TCP4 SRC DST SPORT DPORT\r\n", "PROXY TCP6 ...", "PROXY UNKNOWN...\r\n".
Result<ParseOutcome> parse_v1(std::string_view bytes) {
    std::size_t lf = bytes.substr(0, limits::proxy_v1_line).find('\n');
    if (lf == std::string_view::npos) {
        if (bytes.size() >= limits::proxy_v1_line) return invalid("version 1 line longer than 107 octets");
        // The line ends with CRLF: after a CR at least the LF is missing,
        // otherwise both.
        std::size_t at_least = std::max(shortest_header, bytes.size() + (!bytes.empty() && bytes.back() == '\r' ? 1 : 2));
        return ParseOutcome{NeedMore{std::min(at_least, limits::proxy_v1_line)}};
    }
    if (lf == 0 || bytes[lf - 1] != '\r') return invalid("version 1 line does not end in CRLF");
    ProxyHeader h;
    h.version = 1;
    h.length = lf + 1;
    std::string_view line = bytes.substr(v1_prefix.size(), lf - 1 - v1_prefix.size());
    // UNKNOWN: the rest of the line is to be ignored.
    if (line == "UNKNOWN" || line.substr(0, 8) == "UNKNOWN ") return ParseOutcome{h};
    std::string_view fields[5];
    std::size_t n = 0;
    std::size_t start = 0;
    for (;;) {
        std::size_t space = line.find(' ', start);
        if (n == 5) return invalid("version 1 line has too many fields");
        fields[n++] = line.substr(start, space == std::string_view::npos ? std::string_view::npos : space - start);
        if (space == std::string_view::npos) break;
        start = space + 1;
    }
    if (n != 5) return invalid("version 1 line wants TCP4|TCP6 SRC DST SPORT DPORT");
    int family = 0;
    if (fields[0] == "TCP4")
        family = AF_INET;
    else if (fields[0] == "TCP6")
        family = AF_INET6;
    else
        return invalid("unknown protocol in version 1 line");
    sockaddr_storage destination{};
    uint16_t sport = 0, dport = 0;
    if (!parse_address(fields[1], family, &h.source) || !parse_address(fields[2], family, &destination))
        return invalid("bad address in version 1 line");
    if (!parse_port(fields[3], &sport) || !parse_port(fields[4], &dport)) return invalid("bad port in version 1 line");
    set_port(&h.source, sport);
    h.proxied = true;
    return ParseOutcome{h};
}

uint16_t be16(std::string_view b, std::size_t at) {
    return static_cast<uint16_t>(static_cast<unsigned char>(b[at]) << 8 | static_cast<unsigned char>(b[at + 1]));
}

Result<ParseOutcome> parse_v2(std::string_view bytes, std::size_t max_length) {
    if (bytes.size() < v2_head) return ParseOutcome{NeedMore{v2_head}};
    const auto version_command = static_cast<unsigned char>(bytes[12]);
    const auto family_transport = static_cast<unsigned char>(bytes[13]);
    if ((version_command >> 4) != 2) return invalid("version 2 signature with another version");
    const unsigned command = version_command & 0x0f;
    if (command > 1) return invalid("unknown version 2 command");
    const std::size_t length = v2_head + be16(bytes, 14);
    if (length > max_length) return invalid("version 2 header longer than " + std::to_string(max_length) + " octets");
    if (bytes.size() < length) return ParseOutcome{NeedMore{length}};
    ProxyHeader h;
    h.version = 2;
    h.length = length;
    // LOCAL: the balancer speaking for itself; the addresses are ignored.
    if (command == 0) return ParseOutcome{h};
    std::string_view body = bytes.substr(v2_head, length - v2_head);
    switch (family_transport) {
        case 0x00: return ParseOutcome{h};  // UNSPEC: the connection's addresses stand
        case 0x11: {                        // TCP over IPv4: src, dst, sport, dport
            if (body.size() < 12) return invalid("version 2 TCP4 addresses cut short");
            auto* in = reinterpret_cast<sockaddr_in*>(&h.source);
            in->sin_family = AF_INET;
            std::memcpy(&in->sin_addr, body.data(), 4);
            std::memcpy(&in->sin_port, body.data() + 8, 2);
            break;
        }
        case 0x21: {  // TCP over IPv6
            if (body.size() < 36) return invalid("version 2 TCP6 addresses cut short");
            auto* in6 = reinterpret_cast<sockaddr_in6*>(&h.source);
            in6->sin6_family = AF_INET6;
            std::memcpy(&in6->sin6_addr, body.data(), 16);
            std::memcpy(&in6->sin6_port, body.data() + 32, 2);
            break;
        }
        default: return invalid("version 2 family or transport is not TCP over IPv4 or IPv6");
    }
    // What follows the addresses are TLVs, skipped with the rest.
    h.proxied = true;
    return ParseOutcome{h};
}

}  // namespace

Result<ParseOutcome> parse_proxy_header(std::string_view bytes, std::size_t max_length) {
    max_length = std::min(max_length, limits::proxy_header);
    if (bytes.empty()) return ParseOutcome{NeedMore{shortest_header}};
    if (starts_like(bytes, v1_prefix)) {
        if (bytes.size() < v1_prefix.size()) return ParseOutcome{NeedMore{shortest_header}};
        return parse_v1(bytes);
    }
    if (starts_like(bytes, v2_signature)) {
        if (bytes.size() >= v2_signature.size()) return parse_v2(bytes, max_length);
        // Its first octet already tells version 2, whose head is 16 octets.
        return ParseOutcome{NeedMore{v2_head}};
    }
    return invalid("the connection does not start with one");
}

}  // namespace pop3d::proxy
