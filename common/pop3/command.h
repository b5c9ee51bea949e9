// A POP3 command line parsed into a typed command. Pure: no state, no I/O.
//
// The keyword is 3 or 4 letters, case-insensitive. Arguments are separated
// by spaces (several are tolerated, as are trailing ones; PASS takes all
// after its one separating space); a line is never split into two commands.
// Message numbers are plain decimal digits from 1 to 4294967295 (no sign, no
// leading junk or trailing letters, no 0); TOP's line count is plain digits,
// and a count past 2^64-1 counts as 2^64-1 (RFC 1939: more lines than the
// body has sends the whole message). Each keyword's argument count is
// checked here, so a state machine only sees well-formed commands; whether a
// command is allowed in a state is the state machine's business.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/secret.h"

namespace pop3d::pop3 {

enum class Verb {
    // AUTHORIZATION (RFC 1939, RFC 5034, RFC 2595)
    user, pass, apop, auth, stls, rpop,
    // TRANSACTION (RFC 1939, RFC 1460)
    stat, list, retr, dele, noop, rset, top, uidl, last,
    // any state (RFC 1939, RFC 2449)
    capa, quit,
};

struct Command {
    Verb verb = Verb::noop;

    // LIST, UIDL: optional; RETR, DELE, TOP: always set. 1-based.
    std::optional<std::uint32_t> message;
    // TOP: the number of body lines.
    std::uint64_t lines = 0;

    // USER, APOP: the user name. AUTH: the mechanism as given (empty: list
    // the mechanisms). RPOP: unused.
    std::string name;
    // APOP: the digest as given (the checker validates its form).
    std::string digest;
    // PASS: everything after the keyword and its one separating space,
    // leading, inner and trailing spaces included (RFC 1939 lets a password
    // hold spaces).
    // AUTH: the initial response, if any ("=" stands for an empty one).
    Secret secret;
    bool has_initial_response = false;
};

// Parses one line as returned by CommandReader (without its line end). The
// error's message is the reply text for "-ERR ..." (it never echoes the
// line, so it stays within a reply line and leaks no password).
Result<Command> parse_command(std::string_view line);

// The keyword of a verb, upper case, for replies and logs.
std::string_view keyword(Verb verb);

}  // namespace pop3d::pop3
