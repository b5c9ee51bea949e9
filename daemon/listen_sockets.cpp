#include "daemon/listen_sockets.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "common/limits.h"

namespace pop3d::daemon {
namespace {

Result<ListenSocket> open_one(const Endpoint& ep) {
    auto fail = [&](const char* what) {
        return make_error(ErrorKind::temporary,
                          endpoint_name(ep) + ": " + what + ": " + std::strerror(errno));
    };
    sockaddr_storage address{};
    socklen_t len = 0;
    if (ep.ipv6) {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(&address);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(ep.port);
        if (inet_pton(AF_INET6, ep.host.c_str(), &in6->sin6_addr) != 1)
            return make_error(ErrorKind::invalid, endpoint_name(ep) + ": not an IPv6 address");
        len = sizeof *in6;
    } else {
        auto* in = reinterpret_cast<sockaddr_in*>(&address);
        in->sin_family = AF_INET;
        in->sin_port = htons(ep.port);
        if (inet_pton(AF_INET, ep.host.c_str(), &in->sin_addr) != 1)
            return make_error(ErrorKind::invalid, endpoint_name(ep) + ": not an IPv4 address");
        len = sizeof *in;
    }
    UniqueFd fd(socket(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return fail("socket");
    int on = 1;
    if (setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0) return fail("SO_REUSEADDR");
    // [::]:110 and 0.0.0.0:110 are configured as two addresses; without
    // V6ONLY the first would take both and the second bind would fail.
    if (ep.ipv6 && setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) != 0)
        return fail("IPV6_V6ONLY");
    if (bind(fd.get(), reinterpret_cast<sockaddr*>(&address), len) != 0) return fail("bind");
    if (listen(fd.get(), limits::listen_backlog) != 0) return fail("listen");
    len = sizeof address;
    if (getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &len) != 0) return fail("getsockname");
    Endpoint bound = ep;
    bound.port = ntohs(ep.ipv6 ? reinterpret_cast<sockaddr_in6*>(&address)->sin6_port
                               : reinterpret_cast<sockaddr_in*>(&address)->sin_port);
    return ListenSocket{std::move(fd), endpoint_name(ep), endpoint_name(bound)};
}

}  // namespace

std::string endpoint_name(const Endpoint& ep) {
    return (ep.ipv6 ? "[" + ep.host + "]" : ep.host) + ":" + std::to_string(ep.port);
}

Result<std::vector<ListenSocket>> open_listen_sockets(const std::vector<Endpoint>& endpoints) {
    std::vector<ListenSocket> out;
    for (const auto& ep : endpoints) {
        auto s = open_one(ep);
        if (!s) return s.error();
        out.push_back(std::move(*s));
    }
    return out;
}

namespace {
std::string marks(bool implicit_tls, bool proxy) {
    return std::string(implicit_tls ? " (TLS)" : "") + (proxy ? " (PROXY protocol)" : "");
}
}  // namespace

std::string socket_name(const Endpoint& endpoint, bool implicit_tls, bool proxy) {
    return endpoint_name(endpoint) + marks(implicit_tls, proxy);
}

void mark(ListenSocket& socket, const WantedSocket& wanted) {
    socket.implicit_tls = wanted.implicit_tls;
    socket.proxy = wanted.proxy;
    socket.name = socket_name(wanted.endpoint, wanted.implicit_tls, wanted.proxy);
    socket.bound += marks(wanted.implicit_tls, wanted.proxy);
}

std::vector<WantedSocket> wanted_sockets(const ServerConfig& server) {
    std::vector<WantedSocket> all;
    for (const auto& ep : server.listen) all.push_back({ep, false});
    for (const auto& ep : server.tls_listen) all.push_back({ep, true});
    for (const auto& ep : server.proxy_listen) all.push_back({ep, false, true});
    for (const auto& ep : server.proxy_tls_listen) all.push_back({ep, true, true});
    return all;
}

Result<std::vector<ListenSocket>> open_server_sockets(const ServerConfig& server) {
    std::vector<Endpoint> endpoints;
    auto wanted = wanted_sockets(server);
    for (const auto& w : wanted) endpoints.push_back(w.endpoint);
    auto sockets = open_listen_sockets(endpoints);
    if (!sockets) return sockets.error();
    for (std::size_t i = 0; i < sockets->size(); ++i) mark((*sockets)[i], wanted[i]);
    return sockets;
}

}  // namespace pop3d::daemon
