// The account rule both sides of a login apply: pop3d-auth before it hashes
// a password (so that a right password for an account the monitor would
// refuse is an ordinary failure, not an answer that comes sooner), and the
// monitor again on the account it looked up itself (sessiond/login_check.h).
// Pure: an account in, the first reason it may not log in out.
#pragma once

#include <sys/types.h>

#include <string_view>

#include "common/privileges.h"

namespace pop3d::auth {

struct AccountPolicy {
    unsigned min_uid = 1000;
    // Not started as root: only the invoking user (self_uid) can be served,
    // whatever min_uid says.
    bool single_user = false;
    uid_t self_uid = 0;
};

// Whether `name` can stand for %u in a path: not empty, not "." or "..",
// no '/', no control character.
bool safe_path_name(std::string_view name);

// The first reason `owner` may not serve the login `user`, or nullptr:
// uid or gid 0 or -1, a uid below min_uid (in single-user mode: any uid but
// ours), a user or owner name that is not safe_path_name, a home that is
// not an absolute path.
const char* account_refusal(std::string_view user, const privileges::Account& owner, const AccountPolicy& policy);

}  // namespace pop3d::auth
