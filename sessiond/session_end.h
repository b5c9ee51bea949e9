// How a session ended: one value per way, named in the `ended=` word of
// the summary line that every session logs once (session.cpp). The words
// are what log readers and tests match: they never change.
#pragma once

#include <cstdint>

#include "sessiond/front_frames.h"

namespace pop3d::session {

enum class Ended : std::uint8_t {
    // The client: QUIT, a closed connection, autologout (in AUTHORIZATION
    // the front tells which), a protocol error the front would not go on
    // from, reading slower than min_send_rate.
    quit,
    disconnected,
    autologout,
    protocol_error,
    too_slow,
    // The monitor before a login.
    login_timeout,
    front_timeout,
    front_gone,
    bad_frame,
    tls_failed,
    too_many_attempts,
    // After a login.
    in_use,
    maildrop_error,
    // The server could not go on.
    error,
};

const char* ended_name(Ended how);

// What the front said in its end frame.
Ended ended_by_front(EndReason reason);

}  // namespace pop3d::session
