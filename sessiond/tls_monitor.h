// The monitor's answers to the front's TLS frames (tls_frames.h) while in
// AUTHORIZATION: one signature with the key it holds (then wiped), and the
// outcome of the handshake for the logs.
#pragma once

#include <string>

#include "common/frame.h"
#include "sessiond/tls_key_holder.h"

namespace pop3d::session {

enum class TlsStep {
    carry_on,      // the conversation goes on
    session_over,  // the handshake failed (logged); the front ends
    bad_frame,     // a frame out of place: the front is not trusted again
};

// key may be null (TLS not offered). tls_in_use is set from the
// tls_started frame ("TLSv1.3/TLS_AES_256_GCM_SHA384"), for the summary.
TlsStep on_tls_frame(const Frame& frame, int front_fd, TlsKeyHolder* key, const std::string& client,
                     std::string& tls_in_use);

}  // namespace pop3d::session
