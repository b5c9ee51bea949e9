// What pop3d-auth answers to one AuthRequest. The monitor acts only on an
// accepted verdict, and checks it again (uid not 0, uid >= min_uid) before
// it switches to the mailbox owner.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/auth/attempt.h"

namespace pop3d::auth {

struct AuthVerdict {
    Outcome outcome = Outcome::rejected;
    // Only for an accepted verdict (empty or 0 otherwise):
    std::string user;   // the canonical login name (for %u and log lines)
    std::string owner;  // the Unix account that owns the mailbox
    uid_t uid = 0;      // the owner's uid, gid and home directory (for %h)
    gid_t gid = 0;
    std::string home;

    bool accepted() const { return outcome == Outcome::accepted; }
};

}  // namespace pop3d::auth
