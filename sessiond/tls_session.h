// The monitor's TLS duties around one session, kept out of session.cpp:
// before the front is forked, OpenSSL's setup, the relay socketpair and the
// front's context; after, the per-connection reading of certificate and key
// and the offer to the front; after a login over TLS, the switch of the session's fd 0 and 1
// to the relay, so that the process running as the mailbox owner never
// holds the client's TLS connection.
#pragma once

#include <memory>
#include <string>

#include "common/config.h"
#include "common/result.h"
#include "common/unique_fd.h"
#include "sessiond/tls_context.h"
#include "sessiond/tls_key_holder.h"

namespace pop3d::session {

struct TlsSession {
    UniqueFd relay_session_end;  // the monitor's end of the relay socketpair
    UniqueFd relay_front_end;    // the front's end (fd 4 in the front)
    // Why the relay ended, when the monitor should log it (a client under
    // the send rate floor): the sandboxed front cannot log itself, since
    // syslog would call socket() should its connection be gone.
    UniqueFd relay_report_read;   // the monitor's end, non-blocking
    UniqueFd relay_report_write;  // the front's end (fd 5 in the front)
    std::unique_ptr<TlsContext> context;  // the front's, prepared before the fork
    std::unique_ptr<TlsKeyHolder> key;
};

// Before the front is forked: OpenSSL's setup, the relay socketpair and the
// front's TLS context without a certificate (tls_context.h), all before the
// key is read. Without TLS configured, an empty TlsSession.
Result<TlsSession> prepare_tls_session(const Config& config);

// After the front is forked (it must never share memory that held the key):
// reads certificate and key and sends the tls_setup frame. A key that cannot
// be read is logged as a temporary failure and the front offers no TLS.
Status offer_tls(TlsSession& tls, const Config& config, int front_fd, const std::string& client);

// What the front reported about the end of the relay (relay_report_read),
// made safe for the log; empty when nothing.
std::string read_relay_report(TlsSession& tls);

// After a login over TLS: fd 0 and 1 become the relay (non-blocking); the
// client's socket is closed in this process.
Status switch_to_relay(TlsSession& tls);

}  // namespace pop3d::session
