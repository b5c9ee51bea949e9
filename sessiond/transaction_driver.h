// The TRANSACTION and UPDATE states on the client's connection, after login:
// the protocol engine over the open maildrop, blocking I/O bounded by the
// autologout time. Autologout and a vanished client end the session without
// UPDATE (RFC 1939 section 6: only QUIT updates).
#pragma once

#include <string>
#include <string_view>

#include "common/maildrop.h"
#include "common/pop3/session_summary.h"
#include "sessiond/send_rate_floor.h"
#include "sessiond/session_end.h"

namespace pop3d::session {

struct TransactionOutcome {
    pop3::SessionSummary summary;
    Ended ended = Ended::error;  // quit, disconnected, autologout, too_slow, error
    std::string too_slow;        // with too_slow: the client's rate and the floor
};

// Sends login_reply (the +OK of the login), then serves the commands in
// `unconsumed` (pipelined behind the login, handed over by the front) and
// whatever the client sends next. A failed UPDATE is logged here, once. A
// client that takes a reply slower than `floor` ends the session like one
// that went away (without UPDATE).
TransactionOutcome run_transaction(int in_fd, int out_fd, Maildrop& maildrop, std::string_view login_reply,
                                   std::string_view unconsumed, unsigned autologout, SendRateFloor floor);

}  // namespace pop3d::session
