#include "authd/sandbox.h"

#include <unistd.h>

#include "common/log.h"
#include "common/privileges.h"

namespace pop3d::authd {

Status enter_sandbox(const PrivsepConfig& privsep) {
    namespace priv = privileges;
    // Before anything else: the process already holds no password yet, but
    // a crash during the switch must not leave a core either.
    if (auto s = priv::disable_core_dumps(); !s) return s;
    if (geteuid() == 0) {
        auto user = priv::lookup_user(privsep.auth_user);
        if (!user) return make_error(ErrorKind::permanent, "[privsep] auth_user: " + user.error().message);
        if (!*user) return make_error(ErrorKind::permanent, "[privsep] auth_user: no such user: " + privsep.auth_user);
        auto group = priv::lookup_group(privsep.auth_group);
        if (!group) return make_error(ErrorKind::permanent, "[privsep] auth_group: " + group.error().message);
        if (!*group)
            return make_error(ErrorKind::permanent, "[privsep] auth_group: no such group: " + privsep.auth_group);
        const priv::Account& account = **user;
        if (account.uid == 0) return make_error(ErrorKind::permanent, "[privsep] auth_user must not be root");
        if (auto s = priv::clear_bounding_set(); !s) return s;
        if (auto s = priv::switch_to(account.uid, account.gid, {**group}); !s) return s;
    } else {
        log::notice("not started as root: checking credentials as uid %u", static_cast<unsigned>(getuid()));
    }
    if (auto s = priv::drop_all_capabilities(); !s) return s;
    if (auto s = priv::set_no_new_privs(); !s) return s;
    return priv::set_not_dumpable();
}

}  // namespace pop3d::authd
