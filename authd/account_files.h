// The two files pop3d-auth reads and pop3d-passwd writes, parsed purely
// (text in, entries out). One entry per line, fields split at ':'; blank
// lines and lines starting with '#' are ignored. Any malformed line makes
// the whole file fail with its line number: guessing at a half-broken
// credentials file could let the wrong person in.
//
//   users_file:  name:hash[:unix-owner]   hash from crypto_pwhash_str or crypt(3)
//   apop_file:   name:secret              the secret is the rest of the line
//
// Entries are views into the text they were parsed from.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace pop3d::authd {

// A login name as both files and pop3d-passwd accept it: 1 to
// limits::account_name bytes, no ':', no control character, no space (a
// POP3 argument cannot hold one), not starting with '#'.
Status check_account_name(std::string_view name);

struct UserEntry {
    std::string_view name;
    std::string_view hash;
    std::string_view owner;  // the Unix account owning the mailbox; `name` when the field is absent
};

struct ApopEntry {
    std::string_view name;
    std::string_view secret;
};

Result<std::vector<UserEntry>> parse_users_file(std::string_view text);
Result<std::vector<ApopEntry>> parse_apop_file(std::string_view text);

std::optional<UserEntry> find_user(const std::vector<UserEntry>& entries, std::string_view name);
std::optional<ApopEntry> find_apop(const std::vector<ApopEntry>& entries, std::string_view name);

// The text with the entry for `name` replaced by `line` (without its
// newline), or removed when `line` is empty; appended when there was none.
// Every other line is kept byte for byte. *found tells whether an entry
// for `name` existed. The result always ends with a newline unless empty.
std::string replace_entry(std::string_view text, std::string_view name, std::string_view line, bool* found);

}  // namespace pop3d::authd
