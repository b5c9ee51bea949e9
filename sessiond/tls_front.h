// The front's TLS steps, kept out of front.cpp: receiving the monitor's
// offer (tls_frames.h), the handshake with its report to the monitor, and
// the relay after a login over TLS.
#pragma once

#include <memory>

#include "common/result.h"
#include "sessiond/client_channel.h"
#include "sessiond/tls_context.h"

namespace pop3d::session {

// What this session may do: the context the monitor prepared before the
// fork, with the chain from the monitor's tls_setup frame, or null when TLS
// is not offered (not configured, or the monitor could not read the key).
// Waits at most timeout_seconds for that frame; an error ends the session.
Result<std::unique_ptr<TlsContext>> receive_tls_offer(int monitor_fd, unsigned timeout_seconds,
                                                      std::unique_ptr<TlsContext> prepared);

// The handshake on the channel's connection; tells the monitor the outcome
// (tls_started with version and cipher, or tls_failed with the reason,
// which the monitor logs with the client's address). False: the session is
// over.
bool start_tls(TlsContext& context, ClientChannel& channel, int monitor_fd, unsigned timeout_seconds);

}  // namespace pop3d::session
