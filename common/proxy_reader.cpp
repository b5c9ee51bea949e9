#include "common/proxy_reader.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace pop3d::proxy {

Result<std::optional<ProxyHeader>> ProxyHeaderReader::advance(int fd) {
    // Every pass adds at least one octet and the parser refuses more than
    // limits::proxy_header, so this ends within that many passes.
    for (std::size_t pass = 0; pass <= limits::proxy_header; ++pass) {
        auto parsed = parse_proxy_header(buffer_, limits::proxy_header);
        if (!parsed) return parsed.error();
        if (auto* header = std::get_if<ProxyHeader>(&*parsed)) return std::optional<ProxyHeader>(*header);
        std::size_t want = std::get<NeedMore>(*parsed).total_at_least - buffer_.size();
        char chunk[limits::proxy_header];
        if (want > sizeof chunk) want = sizeof chunk;
        // Never blocks, whatever the descriptor's mode: read_proxy_header
        // waits in poll, with its deadline.
        ssize_t n = recv(fd, chunk, want, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return std::optional<ProxyHeader>();
        if (n < 0) return make_error(ErrorKind::temporary, std::string("reading the PROXY header: ") + std::strerror(errno));
        if (n == 0) return make_error(ErrorKind::invalid, "PROXY header: the connection closed before its end");
        buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    return make_error(ErrorKind::invalid, "PROXY header: longer than the limit");
}

Result<ProxyHeader> read_proxy_header(int fd, int timeout_ms) {
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + std::chrono::milliseconds(timeout_ms);
    ProxyHeaderReader reader;
    // Bounded by the deadline: each pass either reads or waits for it.
    for (;;) {
        auto step = reader.advance(fd);
        if (!step) return step.error();
        if (*step) return **step;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
        if (left <= 0) return make_error(ErrorKind::invalid, "PROXY header: not sent within the deadline");
        pollfd p{fd, POLLIN, 0};
        int r = poll(&p, 1, static_cast<int>(left));
        if (r < 0 && errno != EINTR)
            return make_error(ErrorKind::temporary, std::string("poll: ") + std::strerror(errno));
    }
}

bool trusted_proxy(const std::vector<Network>& proxy_from, const sockaddr_storage& peer) {
    for (const auto& n : proxy_from)
        if (network_contains(n, peer)) return true;
    return false;
}

sockaddr_storage client_address(const ProxyHeader& header, const sockaddr_storage& peer) {
    return header.proxied ? header.source : peer;
}

}  // namespace pop3d::proxy
