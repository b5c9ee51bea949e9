// The exit statuses of every program, from sysexits.h, so that an init
// system or a script can tell a broken configuration (restarting will not
// help) from a temporary failure (it may). The man pages list them.
#pragma once

#include <sysexits.h>

#include "common/result.h"

namespace pop3d::exit_status {

inline constexpr int ok = EX_OK;                    // 0
inline constexpr int usage = EX_USAGE;              // 64: bad command line
inline constexpr int data = EX_DATAERR;             // 65: bad input data (a malformed file)
inline constexpr int unavailable = EX_UNAVAILABLE;  // 69: a needed program or service is missing
inline constexpr int software = EX_SOFTWARE;        // 70: internal error
inline constexpr int os_error = EX_OSERR;           // 71: a system call failed
inline constexpr int cannot_create = EX_CANTCREAT;  // 73: cannot create an output file (pid file)
inline constexpr int io_error = EX_IOERR;           // 74: input/output error
inline constexpr int temporary = EX_TEMPFAIL;       // 75: try again later
inline constexpr int protocol = EX_PROTOCOL;        // 76: a peer broke the protocol
inline constexpr int no_permission = EX_NOPERM;     // 77: not allowed (privileges)
inline constexpr int config = EX_CONFIG;            // 78: configuration error

// The status for a failure of the given kind at start-up: bad input is a
// configuration error there, since the configuration is the program's input.
constexpr int of(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::invalid: return config;
        case ErrorKind::temporary:
        case ErrorKind::in_use: return temporary;
        case ErrorKind::permanent: break;
    }
    return unavailable;
}

}  // namespace pop3d::exit_status
