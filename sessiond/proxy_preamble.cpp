#include "sessiond/proxy_preamble.h"

#include <sys/socket.h>

#include "common/peer_address.h"
#include "common/proxy_reader.h"

namespace pop3d::session {

Result<std::string> read_proxy_preamble(int fd, const ServerConfig& server) {
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0)
        return make_error(ErrorKind::invalid, "a PROXY header was expected, but the connection is not a socket");
    std::string peer_text = format_address(peer);
    if (!proxy::trusted_proxy(server.proxy_from, peer))
        return make_error(ErrorKind::invalid, "refused " + peer_text + ": not in proxy_from");
    auto header = proxy::read_proxy_header(fd, static_cast<int>(server.proxy_header_timeout) * 1000);
    if (!header) return make_error(header.error().kind, "refused " + peer_text + ": " + header.error().message);
    return format_address(proxy::client_address(*header, peer));
}

}  // namespace pop3d::session
