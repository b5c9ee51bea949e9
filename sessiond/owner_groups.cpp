#include "sessiond/owner_groups.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>

#include "common/child_process.h"
#include "common/fd_io.h"
#include "common/limits.h"
#include "common/unique_fd.h"

namespace pop3d::session {
namespace {

// In the child: getgrouplist.
Result<std::vector<gid_t>> look_up_groups(const std::string& owner, gid_t gid) {
    // Bounded: each retry takes the size the library asked for, and a
    // group database that keeps growing is refused after a few tries.
    int count = 32;
    for (int tries = 0; tries < 4; ++tries) {
        std::vector<gid_t> groups(static_cast<std::size_t>(count));
        int n = count;
        if (getgrouplist(owner.c_str(), gid, groups.data(), &n) >= 0) {
            groups.resize(static_cast<std::size_t>(n));
            return groups;
        }
        if (n <= count) break;
        count = n;
    }
    return make_error(ErrorKind::temporary, "cannot list the groups of " + owner);
}

using Clock = std::chrono::steady_clock;

// Reads what the child sends until it closes its end or the deadline
// passes; at most max_bytes + 1 bytes are kept.
Result<std::vector<char>> read_from_child(int fd, std::size_t max_bytes, Clock::time_point deadline) {
    std::vector<char> bytes;
    char chunk[4096];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return make_error(ErrorKind::temporary, "the group database did not answer in time");
        pollfd p{fd, POLLIN, 0};
        int ready = ::poll(&p, 1, static_cast<int>(left));
        if (ready < 0 && errno != EINTR)
            return make_error(ErrorKind::temporary, std::string("poll: ") + std::strerror(errno));
        if (ready <= 0) continue;
        ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return make_error(ErrorKind::temporary, std::string("read: ") + std::strerror(errno));
        if (n == 0) return bytes;
        bytes.insert(bytes.end(), chunk, chunk + n);
        if (bytes.size() > max_bytes) return bytes;
    }
}

}  // namespace

Result<std::vector<gid_t>> owner_groups(const std::string& owner, gid_t gid) {
    const auto failed = [&](const std::string& why) {
        return make_error(ErrorKind::temporary, "listing the groups of " + owner + ": " + why);
    };
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return failed(std::string("pipe: ") + std::strerror(errno));
    UniqueFd from_child(fds[0]);
    UniqueFd to_parent(fds[1]);
    const auto pid = spawn_function(DescriptorMap::only(to_parent.get()), [&] {
        auto groups = look_up_groups(owner, gid);
        const bool sent =
            groups && write_all(kept_descriptor, std::string_view(reinterpret_cast<const char*>(groups->data()),
                                                                  groups->size() * sizeof(gid_t)));
        return sent ? 0 : 1;
    });
    if (!pid) return failed(pid.error().message);
    to_parent.reset();
    const auto deadline = Clock::now() + std::chrono::seconds(limits::group_lookup_seconds);
    const std::size_t max_bytes = static_cast<std::size_t>(NGROUPS_MAX) * sizeof(gid_t);
    auto bytes = read_from_child(from_child.get(), max_bytes, deadline);
    from_child.reset();
    // Past the deadline (or after a failed read, at once) it is killed: the
    // monitor needs no CAP_KILL for its own child.
    const auto left = std::max(Clock::duration::zero(), bytes ? deadline - Clock::now() : Clock::duration::zero());
    const bool exited_well =
        reap_within(*pid, std::chrono::duration_cast<std::chrono::milliseconds>(left)).succeeded();
    if (!bytes) return failed(bytes.error().message);
    // getgrouplist always lists the base group: an empty list is a child
    // that lost its pipe, not an answer.
    if (!exited_well || bytes->empty() || bytes->size() > max_bytes || bytes->size() % sizeof(gid_t) != 0)
        return make_error(ErrorKind::temporary, "cannot list the groups of " + owner);
    std::vector<gid_t> groups(bytes->size() / sizeof(gid_t));
    std::memcpy(groups.data(), bytes->data(), bytes->size());
    return groups;
}

}  // namespace pop3d::session
