// OpenSSL's setup in pop3d-session, once per process and before the front
// is forked and chrooted, and the text of its errors.
#pragma once

#include "common/result.h"

namespace pop3d::session {

// Sets OpenSSL up without its configuration file and without a cleanup at
// exit (tls_library.cpp says why).
Status init_tls_library();

// The error strings, loaded only when an error is to be described: most
// connections never need them. Allowed in the front's sandbox (memory only).
void load_tls_error_strings();

}  // namespace pop3d::session
