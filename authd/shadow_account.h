// The shadow backend's view of a local Unix account: the passwd entry plus
// the shadow entry's hash and ageing fields, and the pure rule that says
// whether such an account may log in at all (before its password is checked).
#pragma once

#include <optional>
#include <string>

#include "common/privileges.h"
#include "common/result.h"

namespace pop3d::authd {

struct ShadowAccount {
    privileges::Account account;
    std::string hash;
    // Days since 1970-01-01, -1 where shadow(5) leaves the field empty.
    long last_change = -1;
    long max_days = -1;
    long expire = -1;
};

enum class Refusal {
    none,
    root,              // uid 0 never logs in over POP3
    below_min_uid,     // system accounts
    empty_password,
    locked,            // "!..." or "*..." (usermod -L, no password set)
    account_expired,   // shadow field 8
    password_expired,  // must be changed (field 3 is 0, or older than field 5 allows)
    policy,            // the monitor's account rule (common/auth/account_policy.h)
};

const char* refusal_name(Refusal r);

// Whether the account may log in on day `today` (days since the epoch).
Refusal shadow_refusal(const ShadowAccount& a, long today, unsigned min_uid);

// The same account rule for the mailbox owner named by any backend.
Refusal owner_refusal(const privileges::Account& a, unsigned min_uid);

// getpwnam_r and getspnam_r. No such user: nullopt. An account without a
// shadow entry gets the locked hash "*". A database that cannot
// be read (e.g. /etc/shadow without the shadow group) is an error.
Result<std::optional<ShadowAccount>> lookup_shadow_account(const std::string& name);

// Today in days since 1970-01-01, as shadow(5) counts.
long days_since_epoch();

}  // namespace pop3d::authd
