// The listener's count of live sessions, in total and per client address, so
// that one address cannot take every slot (max_sessions_per_ip) and the host
// is not overrun (max_sessions). Pure bookkeeping: no sockets, no processes.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <map>
#include <string>

namespace pop3d::daemon {

enum class Admission { admitted, too_many_sessions, too_many_from_address };

class SessionTable {
public:
    // Whether one more session from `address` fits. The limits are passed in
    // so that a configuration reloaded by SIGHUP applies at once.
    Admission admit(const std::string& address, unsigned max_sessions, unsigned max_per_address) const;
    void add(pid_t pid, const std::string& address);
    // Forgets a session that ended; false when the pid was not one of ours.
    bool remove(pid_t pid);

    std::size_t total() const { return by_pid_.size(); }
    std::size_t from(const std::string& address) const;

private:
    std::map<pid_t, std::string> by_pid_;
    std::map<std::string, std::size_t> by_address_;
};

}  // namespace pop3d::daemon
