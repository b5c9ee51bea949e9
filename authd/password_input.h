// Reading a new or typed password for pop3d-passwd.
#pragma once

#include <string_view>

#include "common/result.h"
#include "common/secret.h"

namespace pop3d::authd {

// The password in `input` (everything the user gave, e.g. all of stdin):
// one line, its newline optional. Refuses an empty password, more than one
// line, a CR or NUL, and more than limits::auth_password bytes.
Result<Secret> password_from_input(std::string_view input);

// Reads stdin whole (bounded) and applies password_from_input.
Result<Secret> read_password_stdin();

// Asks on /dev/tty with echo off; with `confirm`, asks twice and refuses
// a mismatch. No terminal is an error that points to --stdin.
Result<Secret> read_password_tty(const char* prompt, bool confirm);

}  // namespace pop3d::authd
