// Reading users_file and apop_file whole, afresh for each request, so that
// edits by pop3d-passwd apply without a restart.
#pragma once

#include <string>

#include "common/result.h"
#include "common/secret.h"

namespace pop3d::authd {

// The file's bytes in a wiped buffer (the APOP file holds secrets). A file
// that does not exist reads as empty: no entries. A file larger than
// limits::account_file is an error, never cut short.
Result<Secret> read_account_file(const std::string& path);

}  // namespace pop3d::authd
