// pop3d-auth's conversation with its monitor: one request frame in, one
// verdict frame out, until the monitor closes the socket.
#pragma once

#include "authd/authenticator.h"
#include "authd/hash_slots.h"

namespace pop3d::authd {

// Returns the process exit status: 0 at EOF, 1 when a frame cannot be
// parsed or the socket fails (the monitor then gets no verdict and treats
// the helper as gone). Every verdict but an accepted one is sent only after
// failure_delay seconds. Each check holds one of `slots` while it hashes
// (not during the delay).
int serve(int fd, const Authenticator& authenticator, unsigned failure_delay, const HashSlots& slots);

}  // namespace pop3d::authd
