#include "daemon/session_table.h"

namespace pop3d::daemon {

Admission SessionTable::admit(const std::string& address, unsigned max_sessions,
                              unsigned max_per_address) const {
    if (total() >= max_sessions) return Admission::too_many_sessions;
    if (from(address) >= max_per_address) return Admission::too_many_from_address;
    return Admission::admitted;
}

void SessionTable::add(pid_t pid, const std::string& address) {
    if (!by_pid_.emplace(pid, address).second) return;
    ++by_address_[address];
}

bool SessionTable::remove(pid_t pid) {
    auto it = by_pid_.find(pid);
    if (it == by_pid_.end()) return false;
    auto count = by_address_.find(it->second);
    if (count != by_address_.end() && --count->second == 0) by_address_.erase(count);
    by_pid_.erase(it);
    return true;
}

std::size_t SessionTable::from(const std::string& address) const {
    auto it = by_address_.find(address);
    return it == by_address_.end() ? 0 : it->second;
}

}  // namespace pop3d::daemon
