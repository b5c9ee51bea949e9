// The listener's count of sessions that have not logged in yet (issue 11,
// item 3). Each costs a root monitor, a front and, once it tries a password,
// a pop3d-auth, whether or not it ever logs in; so, like sshd's
// MaxStartups, from `start` such sessions on a new connection is dropped at
// random, with a chance that grows linearly to certainty at `full`. At
// `full` a connection from an address holding fewer than the address that
// holds the most is let in by evicting that address's oldest session: one
// address filling the table keeps nobody else out. Pure bookkeeping: no
// sockets, no processes, randomness passed in.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace pop3d::daemon {

struct PreloginDecision {
    enum class Kind { admit, drop, evict } kind = Kind::admit;
    pid_t evict = 0;  // for evict: the session to end first
};

class PreloginTable {
public:
    // random01: a number drawn uniformly from [0, 1).
    PreloginDecision admit(const std::string& address, unsigned start, unsigned full, double random01) const;
    void add(pid_t pid, const std::string& address);
    // The session logged in or ended; false when it was not counted.
    bool remove(pid_t pid);

    std::size_t total() const { return by_pid_.size(); }
    std::size_t from(const std::string& address) const;

private:
    struct Entry {
        std::string address;
        std::uint64_t order;  // when it was added: the oldest goes first
    };
    std::map<pid_t, Entry> by_pid_;
    std::map<std::string, std::size_t> by_address_;
    std::uint64_t next_order_ = 0;
};

}  // namespace pop3d::daemon
