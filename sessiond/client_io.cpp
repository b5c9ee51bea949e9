#include "sessiond/client_io.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>

namespace pop3d::session {
namespace {

using Clock = std::chrono::steady_clock;

// Milliseconds left until deadline, at least 0.
int millis_left(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

}  // namespace

int poll_millis(std::chrono::steady_clock::duration wait) {
    if (wait <= wait.zero()) return 0;
    auto millis = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
    return millis < std::numeric_limits<int>::max() ? static_cast<int>(millis) : std::numeric_limits<int>::max();
}

void send_without_delay(int fd) {
    int on = 1;
    // Fails with ENOTSOCK or EOPNOTSUPP where there is no TCP to tune.
    (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

Status stop_blocking(int fd) {
    // A terminal (pop3d-session run by hand) is shared with the shell,
    // which would find it non-blocking afterwards.
    if (::isatty(fd)) return {};
    int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
        return make_error(ErrorKind::temporary, std::string("O_NONBLOCK on the connection: ") + std::strerror(errno));
    return {};
}

Status ClientOutput::write(std::string_view bytes) {
    auto now = Clock::now();
    floor_.waiting(now);
    Status s = write_until(bytes, now + std::chrono::seconds(timeout_seconds_));
    floor_.idle(Clock::now());
    return s;
}

Status ClientOutput::write_until(std::string_view bytes, Clock::time_point deadline) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd_, bytes.data(), bytes.size());
        if (n > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(n));
            written_ += static_cast<std::uint64_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            auto now = Clock::now();
            if (floor_.enabled()) {
                floor_.departed(now, departed_.since_last(written_));
                if (floor_.below(now)) {
                    too_slow_ = floor_.shortfall(now);
                    return make_error(ErrorKind::temporary, too_slow_);
                }
            }
            int left = millis_left(deadline);
            if (left == 0) return make_error(ErrorKind::temporary, "client does not read (autologout)");
            pollfd p{fd_, POLLOUT, 0};
            if (poll(&p, 1, std::min(left, poll_millis(floor_.time_left(now)))) < 0 && errno != EINTR)
                return make_error(ErrorKind::temporary, std::string("poll: ") + std::strerror(errno));
            continue;
        }
        return make_error(ErrorKind::temporary, std::string("write to client: ") + std::strerror(errno));
    }
    return {};
}

ClientRead read_client(int fd, char* buffer, std::size_t capacity, unsigned timeout_seconds, int watch) {
    auto deadline = Clock::now() + std::chrono::seconds(timeout_seconds);
    for (;;) {
        pollfd p[2] = {{fd, POLLIN, 0}, {watch, POLLIN, 0}};
        int left = millis_left(deadline);
        if (left == 0) return {ClientRead::Kind::autologout, 0};
        int rc = poll(p, watch >= 0 ? 2 : 1, left);
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) return {ClientRead::Kind::error, 0};
        if (rc == 0) return {ClientRead::Kind::autologout, 0};
        if (watch >= 0 && p[1].revents) return {ClientRead::Kind::watched, 0};
        if (!p[0].revents) continue;
        ssize_t n = read(fd, buffer, capacity);
        if (n > 0) return {ClientRead::Kind::data, static_cast<std::size_t>(n)};
        if (n == 0) return {ClientRead::Kind::closed, 0};
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
        return {ClientRead::Kind::error, 0};
    }
}

}  // namespace pop3d::session
