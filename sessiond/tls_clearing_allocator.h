// Every block OpenSSL frees in pop3d-session is cleared first. OpenSSL
// clears the bignums of a private key, but not every copy it makes while
// decoding one (the ASN.1 OCTET STRING of an EC private key is freed as it
// is), and the monitor that read the key later becomes the mailbox owner:
// no byte of the key may be left in its free heap. The front's TLS secrets
// (handshake and traffic keys) go the same way when freed.
#pragma once

#include "common/result.h"

namespace pop3d::session {

// Must run before OpenSSL allocates anything (first thing in main).
Status clear_openssl_frees();

}  // namespace pop3d::session
