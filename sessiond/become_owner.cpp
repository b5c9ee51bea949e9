#include "sessiond/become_owner.h"

#include <grp.h>

#include <vector>

#include "common/privileges.h"

namespace pop3d::session {
namespace {

// The owner's supplementary groups, as a login would give them.
Result<std::vector<gid_t>> groups_of(const Login& login) {
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

}  // namespace

Status become_mailbox_owner(const Login& login, bool as_root) {
    namespace priv = pop3d::privileges;
    if (as_root) {
        auto groups = groups_of(login);
        if (!groups) return groups.error();
        if (auto st = priv::switch_to(login.uid, login.gid, *groups); !st) return st;
        if (auto st = priv::drop_all_capabilities(); !st) return st;
    }
    if (auto st = priv::set_no_new_privs(); !st) return st;
    return priv::disable_core_dumps();
}

}  // namespace pop3d::session
