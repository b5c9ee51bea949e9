// APOP (RFC 1939 section 7): digest = MD5(timestamp + secret), in hex.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace pop3d::authd {

// The 32 lowercase hex digits of MD5(timestamp + secret) (OpenSSL EVP).
Result<std::string> apop_digest(std::string_view timestamp, std::string_view secret);

// Compares a client's digest (hex, either case) with the expected one in
// constant time.
bool apop_digest_matches(std::string_view expected, std::string_view client_digest);

}  // namespace pop3d::authd
