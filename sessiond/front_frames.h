// The frames between the unprivileged front and its monitor (common/frame.h
// carries them). The conversation, and what the monitor accepts in each of
// its states (anything else ends the session and grants nothing):
//
//   monitor state          front -> monitor            monitor -> front
//   awaiting_credentials   credentials                 verdict (rejected, temporary,
//                          end (client quit/left)        permanent, or accepted)
//   awaiting_handover      handover (after accepted)   -
//
// The front sends no APOP challenge: the monitor uses the one it made.
// Encoding and decoding are pure; a decoder fails on anything unexpected.
#pragma once

#include <cstdint>
#include <string>

#include "common/frame.h"
#include "common/result.h"
#include "common/secret.h"

namespace pop3d::session {

enum class FrameType : std::uint8_t {
    credentials = 0xf1,
    verdict = 0xf2,
    handover = 0xf3,
    end = 0xf4,
};

// The method a credential attempt used (the front's view; the monitor maps
// it to pop3d-auth's mechanism).
enum class Method : std::uint8_t { user_pass = 1, apop = 2, sasl_plain = 3 };

struct CredentialsFrame {
    Method method = Method::user_pass;
    std::string user;
    std::string authzid;  // sasl_plain only: empty or equal to user
    Secret password;      // user_pass, sasl_plain
    std::string digest;   // apop only
};

enum class VerdictCode : std::uint8_t { accepted = 0, rejected = 1, temporary = 2, permanent = 3 };

struct VerdictFrame {
    VerdictCode code = VerdictCode::rejected;
    // The front answers the client and then ends the session (max_attempts).
    bool last = false;
};

// How a session ended before any login, as the front saw it.
enum class EndReason : std::uint8_t { quit = 1, disconnected = 2, autologout = 3, protocol_error = 4 };
const char* end_reason_name(EndReason reason);

// Each encoder returns the whole frame (type byte first) in a wiped buffer.
Result<Secret> encode_credentials(const CredentialsFrame& frame);
Result<Secret> encode_verdict(const VerdictFrame& frame);
Result<Secret> encode_handover(std::string_view unconsumed);
Result<Secret> encode_end(EndReason reason);

// Each decoder checks the type and every field.
Result<CredentialsFrame> decode_credentials(const Frame& frame);
Result<VerdictFrame> decode_verdict(const Frame& frame);
Result<std::string> decode_handover(const Frame& frame);
Result<EndReason> decode_end(const Frame& frame);

}  // namespace pop3d::session
