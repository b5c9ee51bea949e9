// pop3d-auth's conversation with its monitor: one request frame in, one
// verdict frame out, until the monitor closes the socket.
#pragma once

#include "authd/authenticator.h"
#include "authd/hash_slots.h"

namespace pop3d::authd {

// Returns the process exit status: 0 at EOF, 1 when a frame cannot be
// parsed or the socket fails (the monitor then gets no verdict and treats
// the helper as gone). Verdicts leave as soon as they are made: the monitor
// holds every failure until its attempt's deadline (sessiond/attempt_deadline.h),
// so that a failure answered here at once, or a right password for an
// account the monitor refuses, leaves no sooner than a wrong password. Each
// check holds one of `slots` while it hashes.
int serve(int fd, const Authenticator& authenticator, const HashSlots& slots);

}  // namespace pop3d::authd
