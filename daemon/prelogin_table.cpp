#include "daemon/prelogin_table.h"

namespace pop3d::daemon {

PreloginDecision PreloginTable::admit(const std::string& address, unsigned start, unsigned full,
                                      double random01) const {
    const std::size_t n = total();
    if (n < start) return {};
    if (n < full) {
        // (n - start + 1) / (full - start + 1): a little above 0 at start,
        // 1 just before full.
        const double drop = static_cast<double>(n - start + 1) / static_cast<double>(full - start + 1);
        if (random01 < drop) return {PreloginDecision::Kind::drop, 0};
        return {};
    }
    const std::string* top = nullptr;
    std::size_t most = 0;
    for (const auto& [a, count] : by_address_)
        if (count > most) top = &a, most = count;
    // Only while the newcomer, once in, still holds fewer than the top
    // address: two addresses at par do not evict each other in turn.
    if (!top || from(address) + 1 >= most) return {PreloginDecision::Kind::drop, 0};
    pid_t oldest = 0;
    std::uint64_t oldest_order = 0;
    for (const auto& [pid, e] : by_pid_)
        if (e.address == *top && (oldest == 0 || e.order < oldest_order)) oldest = pid, oldest_order = e.order;
    return {PreloginDecision::Kind::evict, oldest};
}

void PreloginTable::add(pid_t pid, const std::string& address) {
    if (!by_pid_.emplace(pid, Entry{address, next_order_++}).second) return;
    ++by_address_[address];
}

bool PreloginTable::remove(pid_t pid) {
    auto it = by_pid_.find(pid);
    if (it == by_pid_.end()) return false;
    auto count = by_address_.find(it->second.address);
    if (count != by_address_.end() && --count->second == 0) by_address_.erase(count);
    by_pid_.erase(it);
    return true;
}

std::size_t PreloginTable::from(const std::string& address) const {
    auto it = by_address_.find(address);
    return it == by_address_.end() ? 0 : it->second;
}

}  // namespace pop3d::daemon
