// After a login over TLS the front stays and copies between the TLS
// connection and the session (which runs as the mailbox owner and so must
// hold no TLS state) over a socketpair. Each direction holds at most
// limits::tls_relay_buffer bytes; a side that stops reading stops the other.
#pragma once

#include <string>

#include "sessiond/send_rate_floor.h"
#include "sessiond/tls_stream.h"

namespace pop3d::session {

// Runs until both sides are done: the session closed its end (its last
// bytes are sent, then close_notify), or the client left (the session sees
// end of file). What the front read ahead after the login command went to
// the monitor in the hand-over frame, as without TLS. idle_seconds bounds a relay that moves no
// byte at all (the session enforces autologout itself; this is the
// backstop should it hang). The relay sends the bytes that leave the host,
// so it applies the send rate floor itself: while it holds bytes for the
// client, the client must take them at least as fast as `floor` says.
struct RelayEnd {
    // The exit status: 0 when a side closed or left, or the client fell
    // below the floor (an end on purpose); 1 on a TLS failure or idle.
    int status = 0;
    std::string too_slow;  // the client fell below the floor: its rate, for the log
};
RelayEnd relay_tls(TlsStream& client, int session_fd, unsigned idle_seconds, SendRateFloor floor = {});

}  // namespace pop3d::session
