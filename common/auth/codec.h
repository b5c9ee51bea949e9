// The frames between the monitor and pop3d-auth (common/frame.h): one
// request frame, answered by one verdict frame. Encoding and decoding are
// pure, so they are unit-tested and fuzzed without sockets. A decoder that
// meets anything unexpected fails; the receiver then ends the conversation.
#pragma once

#include <cstdint>

#include "common/auth/request.h"
#include "common/auth/verdict.h"
#include "common/frame.h"
#include "common/result.h"
#include "common/secret.h"

namespace pop3d::auth {

inline constexpr std::uint8_t frame_request = 0xa1;
inline constexpr std::uint8_t frame_verdict = 0xa2;

// The whole request frame (type byte first), in a wiped buffer since it
// holds the password. Fails on a field over its limit, an unknown mechanism,
// a password with apop, a malformed digest, or a missing timestamp.
Result<Secret> encode_request(const AuthRequest& request);
Result<AuthRequest> decode_request(const Frame& frame);

// The whole verdict frame (type byte first).
Result<std::string> encode_verdict(const AuthVerdict& verdict);
Result<AuthVerdict> decode_verdict(const Frame& frame);

}  // namespace pop3d::auth
