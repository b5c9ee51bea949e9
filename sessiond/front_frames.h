// The frames between the unprivileged front and its monitor (common/frame.h
// carries them; front_frame_type.h numbers these and the TLS frames of
// tls_frames.h). The conversation, and what the monitor accepts in each of
// its states (anything else ends the session and grants nothing):
//
//   monitor state          front -> monitor            monitor -> front
//   awaiting_credentials   credentials                 verdict (an auth::Outcome)
//                          end (client quit/left)
//   awaiting_handover      handover (after accepted)   -
//
// The credentials and the outcome are common/auth/attempt.h's, as the
// engine and pop3d-auth know them. The front sends no APOP challenge: the
// monitor uses the one it made. Encoding and decoding are pure and check
// one set of rules, so nothing the encoder refuses can be decoded.
#pragma once

#include <cstdint>
#include <string>

#include "common/auth/attempt.h"
#include "common/frame.h"
#include "common/result.h"
#include "common/secret.h"
#include "sessiond/front_frame_type.h"

namespace pop3d::session {

struct VerdictFrame {
    auth::Outcome outcome = auth::Outcome::rejected;
    // The front answers the client and then ends the session (max_attempts).
    bool last = false;
};

// How a session ended before any login, as the front saw it.
enum class EndReason : std::uint8_t { quit = 1, disconnected = 2, autologout = 3, protocol_error = 4 };

// Each encoder returns the whole frame (type byte first) in a wiped buffer.
Result<Secret> encode_credentials(const auth::Credentials& credentials);
Result<Secret> encode_verdict(const VerdictFrame& frame);
Result<Secret> encode_handover(std::string_view unconsumed);
Result<Secret> encode_end(EndReason reason);

// Each decoder checks the type and every field.
Result<auth::Credentials> decode_credentials(const Frame& frame);
Result<VerdictFrame> decode_verdict(const Frame& frame);
Result<std::string> decode_handover(const Frame& frame);
Result<EndReason> decode_end(const Frame& frame);

}  // namespace pop3d::session
