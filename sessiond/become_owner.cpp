#include "sessiond/become_owner.h"

#include "common/privileges.h"
#include "sessiond/owner_groups.h"

namespace pop3d::session {

Status become_mailbox_owner(const Login& login, bool as_root) {
    namespace priv = pop3d::privileges;
    if (as_root) {
        auto groups = owner_groups(login.owner, login.gid);
        if (!groups) return groups.error();
        if (auto st = priv::clear_bounding_set(); !st) return st;
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
