#include "daemon/proxy_wait_list.h"

#include <algorithm>

#include "common/limits.h"

namespace pop3d::daemon {

bool ProxyWaitList::add(UniqueFd connection, const sockaddr_storage& peer, Clock::time_point deadline,
                        bool implicit_tls) {
    if (waiting_.size() >= limits::proxy_headers_pending) return false;
    waiting_.push_back(Waiting{std::move(connection), peer, deadline, implicit_tls, {}});
    return true;
}

void ProxyWaitList::add_poll_fds(std::vector<pollfd>& fds) const {
    for (const auto& w : waiting_) fds.push_back({w.connection.get(), POLLIN, 0});
}

int ProxyWaitList::next_timeout_ms(Clock::time_point now) const {
    if (waiting_.empty()) return -1;
    auto nearest = waiting_.front().deadline;
    for (const auto& w : waiting_) nearest = std::min(nearest, w.deadline);
    if (nearest <= now) return 0;
    // Rounded up, so that poll does not wake just before the deadline.
    return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(nearest - now).count()) + 1;
}

std::vector<HeaderWait> ProxyWaitList::advance(const std::vector<pollfd>& ready, Clock::time_point now) {
    std::vector<HeaderWait> done;
    for (auto it = waiting_.begin(); it != waiting_.end();) {
        bool readable = false;
        for (const auto& p : ready)
            if (p.fd == it->connection.get() && (p.revents & (POLLIN | POLLHUP | POLLERR))) readable = true;
        HeaderWait finished;
        bool over = false;
        if (readable) {
            auto step = it->reader.advance(it->connection.get());
            if (!step) {
                finished.header = step.error();
                over = true;
            } else if (*step) {
                finished.header = **step;
                over = true;
            }
        }
        if (!over && now >= it->deadline) {
            finished.header = make_error(ErrorKind::invalid, "PROXY header: not sent within the deadline");
            over = true;
        }
        if (!over) {
            ++it;
            continue;
        }
        finished.connection = std::move(it->connection);
        finished.peer = it->peer;
        finished.implicit_tls = it->implicit_tls;
        done.push_back(std::move(finished));
        it = waiting_.erase(it);
    }
    return done;
}

}  // namespace pop3d::daemon
