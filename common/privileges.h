// Privilege changes shared by the processes that give up root: the front,
// the session after login, and pop3d-auth. Each step is checked and fails
// with a Status instead of leaving a process half-privileged; callers end
// the process on any failure.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace pop3d::privileges {

// A Unix account as the password database describes it.
struct Account {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
    std::string home;
};

// getpwnam_r: the account, or an empty optional for a name the database does
// not know; a failing database is an ErrorKind::temporary error.
Result<std::optional<Account>> lookup_user(const std::string& name);
// getgrnam_r, in the same manner.
Result<std::optional<gid_t>> lookup_group(const std::string& name);

// Sets exactly `groups` as the supplementary groups, then the real,
// effective and saved gid and uid (setgroups, setresgid, setresuid, in that
// order). Verifies afterwards that every id is the asked one, that the
// groups are exactly `groups`, and (for uid != 0) that setuid(0) and
// setgid(0) now fail, so the switch cannot be undone.
Status switch_to(uid_t uid, gid_t gid, const std::vector<gid_t>& groups);

// Clears the permitted, effective and inheritable capability sets (libcap)
// and verifies they read back empty. Call after switch_to.
Status drop_all_capabilities();

// Empties the capability bounding set (needs CAP_SETPCAP, so call it while
// still root, before switch_to), and verifies it reads back empty: nothing
// the process or its children run can ever hold a capability again, whatever
// file capabilities or setuid-root programs they reach.
Status clear_bounding_set();

// PR_SET_NO_NEW_PRIVS: no execve can ever grant privileges again
// (setuid bits, file capabilities).
Status set_no_new_privs();

// RLIMIT_CORE 0: no core file can hold a password.
Status disable_core_dumps();

// PR_SET_DUMPABLE 0: no ptrace attach and no core dump by the same uid.
// The kernel resets this flag on a uid change, so call it after switch_to.
Status set_not_dumpable();

// RLIMIT_NPROC (soft and hard) to `max` processes for the current uid; 0
// forbids fork for a process that never needs one.
Status limit_processes(rlim_t max);

// chroot(dir) then chdir("/"), so that no directory outside stays reachable.
Status enter_chroot(const std::string& dir);

}  // namespace pop3d::privileges
