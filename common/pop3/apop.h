// APOP (RFC 1939 section 7): the greeting's timestamp and the digest check.
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>
#include <ctime>

#include "common/result.h"

namespace pop3d::pop3 {

// "<pid.time.random@hostname>" with 64 bits from libsodium's randombytes, so
// it differs for every connection even within one process and second.
// Characters of the hostname outside [A-Za-z0-9.-] become '-', empty labels
// (leading, trailing or double dots) are dropped so the whole is an RFC 822
// msg-id, and it is cut to limits::hostname octets. Needs sodium_init().
std::string make_apop_timestamp(pid_t pid, std::time_t now, std::string_view hostname);

// The greeting reply: "+OK text <timestamp>\r\n", or "+OK text\r\n" when the
// timestamp is empty (APOP disabled). The text is cut at limits::greeting_text,
// and further if the line would not hold the whole timestamp; its control
// characters, '<' and '>' become spaces (clients take the first "<...>" for
// the challenge), '[' and ']' become '(' and ')' (RFC 2449 RESP-CODES).
std::string greeting_reply(std::string_view text, std::string_view timestamp);

// Whether s has the form of a digest: exactly limits::apop_digest (32) hex
// digits, either case. The one rule the command parser, the frame codec and
// the digest check share.
bool is_apop_digest(std::string_view s);

// MD5(timestamp + secret) in lower-case hex (OpenSSL EVP).
Result<std::string> apop_digest(std::string_view timestamp, std::string_view secret);

// Whether `digest` (32 hex digits, either case) is MD5(timestamp + secret);
// the comparison is constant-time (sodium_memcmp). False on any malformed
// digest; an error (ErrorKind::temporary, saying why) when MD5 cannot be
// computed, so that a missing libcrypto is not taken for a wrong password.
Result<bool> apop_digest_matches(std::string_view timestamp, std::string_view secret,
                                 std::string_view digest);

}  // namespace pop3d::pop3
