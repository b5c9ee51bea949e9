// Keeping a session away from the terminal it may have been started from
// (pop3d -F, make run, socat or inetd run from a root shell). A process that
// shares a controlling terminal with root's shell can push keystrokes into it
// with TIOCSTI, and one that holds the terminal on fd 2 can write to it: an
// exploited front or session must have neither.
#pragma once

#include "common/result.h"

namespace pop3d::terminal {

// setsid(): a session of its own, without a controlling terminal. A process
// that already leads a process group cannot (EPERM); it gives up its
// controlling terminal with TIOCNOTTY instead, if it has one.
Status leave_controlling_terminal();

// Points fd 2 at /dev/null (opened read-write), so that nothing written to
// stderr reaches a terminal or a client's socket.
Status stderr_to_null();

}  // namespace pop3d::terminal
