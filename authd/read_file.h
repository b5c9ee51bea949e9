// Reading users_file and apop_file whole, afresh for each request, so that
// edits by pop3d-passwd apply without a restart.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <optional>
#include <string>

#include "common/result.h"
#include "common/secret.h"

namespace pop3d::authd {

// Whom pop3d-auth trusts with its account files. They hold password hashes
// and APOP secrets, and decide who logs in as whom: root owns them (or, in
// single-user mode, the user serving itself: also_owner), nobody else may
// write them, and the world may not read them. pop3d-passwd makes them
// root:AUTH-USER's-group 0640. Not the pop3d-auth account's own files: a
// helper taken over must not be able to plant entries that outlive it.
struct AccountFileRule {
    bool enforce = false;  // pop3d-passwd reads a file it is about to fix
    uid_t also_owner = 0;  // 0: root only
};

// The rule on a file's fstat: a clear ErrorKind::permanent error naming the
// file, what is wrong and what pop3d-passwd would make of it. Pure.
Status check_account_file(const struct stat& st, const std::string& path, const AccountFileRule& rule);

// The file's bytes in a wiped buffer (the APOP file holds secrets), opened
// read-only; std::nullopt when the file does not exist, which is no error
// (a server without its own accounts has none). A file that breaks `rule`,
// or larger than limits::account_file, is an error, never read or cut short.
Result<std::optional<Secret>> read_account_file(const std::string& path, const AccountFileRule& rule = {});

}  // namespace pop3d::authd
