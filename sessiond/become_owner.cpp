#include "sessiond/become_owner.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <vector>

#include "common/privileges.h"
#include "common/unique_fd.h"

namespace pop3d::session {
namespace {

// The owner's supplementary groups, as a login would give them.
Result<std::vector<gid_t>> look_up_groups(const Login& login) {
    // Bounded: each retry takes the size the library asked for, and a
    // group database that keeps growing is refused after a few tries.
    int count = 32;
    for (int tries = 0; tries < 4; ++tries) {
        std::vector<gid_t> groups(static_cast<std::size_t>(count));
        int n = count;
        if (getgrouplist(login.owner.c_str(), login.gid, groups.data(), &n) >= 0) {
            groups.resize(static_cast<std::size_t>(n));
            return groups;
        }
        if (n <= count) break;
        count = n;
    }
    return make_error(ErrorKind::temporary, "cannot list the groups of " + login.owner);
}

bool write_fully(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

// look_up_groups() in a child that then exits: the NSS modules it loads (on
// Debian libnss_systemd and the libm it pulls in) would otherwise stay
// mapped in the session for its whole life, about 100 KiB of every idle
// session (issue 6, M6). The parent trusts only a whole, bounded list.
Result<std::vector<gid_t>> groups_of(const Login& login) {
    const auto failed = [&](const char* what, int err) {
        return make_error(ErrorKind::temporary, "listing the groups of " + login.owner + ": " + what + ": " +
                                                    std::strerror(err));
    };
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return failed("pipe", errno);
    UniqueFd from_child(fds[0]);
    UniqueFd to_parent(fds[1]);
    const pid_t pid = ::fork();
    if (pid < 0) return failed("fork", errno);
    if (pid == 0) {
        auto groups = look_up_groups(login);
        const bool sent = groups && write_fully(to_parent.get(), reinterpret_cast<const char*>(groups->data()),
                                                groups->size() * sizeof(gid_t));
        _exit(sent ? 0 : 1);
    }
    to_parent.reset();
    const std::size_t max_bytes = static_cast<std::size_t>(NGROUPS_MAX) * sizeof(gid_t);
    std::vector<char> bytes;
    char chunk[4096];
    int read_error = 0;
    bool too_long = false;
    for (;;) {
        ssize_t n = ::read(from_child.get(), chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) read_error = errno;
        if (n <= 0) break;
        too_long = bytes.size() + static_cast<std::size_t>(n) > max_bytes;
        if (too_long) break;
        bytes.insert(bytes.end(), chunk, chunk + n);
    }
    from_child.reset();  // a child still writing gets EPIPE and exits
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return failed("waitpid", errno);
    }
    if (read_error != 0) return failed("read", read_error);
    if (too_long || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || bytes.size() % sizeof(gid_t) != 0)
        return make_error(ErrorKind::temporary, "cannot list the groups of " + login.owner);
    std::vector<gid_t> groups(bytes.size() / sizeof(gid_t));
    std::memcpy(groups.data(), bytes.data(), bytes.size());
    return groups;
}

}  // namespace

Status become_mailbox_owner(const Login& login, bool as_root) {
    namespace priv = pop3d::privileges;
    if (as_root) {
        auto groups = groups_of(login);
        if (!groups) return groups.error();
        if (auto st = priv::switch_to(login.uid, login.gid, *groups); !st) return st;
        if (auto st = priv::drop_all_capabilities(); !st) return st;
        // The uid change reset the dumpable flag; a process of the owner
        // must not ptrace the session (it holds the dotlock keeper's channel
        // and the client's connection).
        if (auto st = priv::set_not_dumpable(); !st) return st;
    }
    if (auto st = priv::set_no_new_privs(); !st) return st;
    return priv::disable_core_dumps();
}

}  // namespace pop3d::session
