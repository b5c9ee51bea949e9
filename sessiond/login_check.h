// The monitor's own check of an accepted verdict before it becomes the
// mailbox owner: it trusts pop3d-auth to say who logged in, but not to have
// been configured or written without mistakes, nor to be honest about the
// account: the owner's uid, gid and home come from the monitor's own lookup,
// and a verdict that says otherwise is refused. Pure but for the lookup,
// which is passed in.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>

#include "common/auth/verdict.h"
#include "common/privileges.h"
#include "common/result.h"

namespace pop3d::session {

struct LoginPolicy {
    unsigned min_uid = 1000;
    // Not started as root: only the invoking user (self_uid) can be served.
    bool single_user = false;
    uid_t self_uid = 0;
    std::string maildrop_template;   // [mail] maildrop
    std::string state_dir_template;  // [mail] state_dir, may be empty
};

struct Login {
    std::string user;   // the login name (for %u and logs)
    std::string owner;  // the Unix account that owns the maildrop
    uid_t uid = 0;
    gid_t gid = 0;
    std::string home;
    std::string maildrop;   // the expanded maildrop path
    std::string state_dir;  // expanded; empty: no state file
};

// Finds a Unix account by name (empty: no such account):
// privileges::lookup_user in the monitor.
using AccountLookup = std::function<Result<std::optional<privileges::Account>>(const std::string& name)>;

// Refuses: a verdict that is not accepted; an owner `lookup` does not find,
// or whose uid, gid or home differ from the verdict's (pop3d-auth lied or
// raced a change of the account); then, on the looked-up account,
// auth::account_refusal (uid or gid 0 or -1, uid below min_uid or, in
// single-user mode, any uid but our own, a user name that could leave the
// maildrop directory through %u, a home that is not an absolute path); and
// templates that do not expand. The Login carries the looked-up account.
Result<Login> check_login(const auth::AuthVerdict& verdict, const LoginPolicy& policy, const AccountLookup& lookup);

}  // namespace pop3d::session
