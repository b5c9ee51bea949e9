// The SASL PLAIN mechanism (RFC 4616) as POP3 AUTH carries it (RFC 5034):
// base64 of "authzid NUL authcid NUL password".
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "common/secret.h"

namespace pop3d::pop3 {

struct PlainCredentials {
    std::string authzid;  // empty, or equal to authcid (checked)
    std::string authcid;  // the user name, non-empty
    Secret password;      // non-empty
};

// Decodes a client response (base64, sodium_base642bin, no whitespace) and
// splits it. Errors: bad base64, not exactly two NULs, an empty authcid or
// password, an authzid other than empty or the authcid (we never act for
// another user), a response longer than limits::sasl_response_line allows
// (RFC 4616: fields of up to 255 octets each fit).
Result<PlainCredentials> decode_sasl_plain(std::string_view base64);

}  // namespace pop3d::pop3
