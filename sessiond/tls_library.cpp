#include "sessiond/tls_library.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstdint>

namespace pop3d::session {
namespace {

// Every choice is made in the code (tls_context.h), so the system's
// openssl.cnf is not read: that saves each connection its parsing, and no
// setting there can change the session. No cleanup at exit: the key is
// wiped when it has been used (tls_key_holder.h), and the rest of OpenSSL's
// memory goes with the process, which then exits sooner. Nor are the
// legacy cipher name tables built: libssl fetches its ciphers from the
// provider by name, and the tables cost each connection about a
// millisecond (a third of OpenSSL's start). The digest tables stay: the
// front's key is a legacy one (tls_remote_key.h), which finds its digests
// there, and without them no signature scheme is usable (the test
// Tls.Tls12ServesEverySignatureSchemeAndCipherKind shows both). The first
// call decides all of this for every later one, libssl's own included.
constexpr std::uint64_t options =
    OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT | OPENSSL_INIT_NO_ADD_ALL_CIPHERS;

}  // namespace

Status init_tls_library() {
    if (OPENSSL_init_ssl(options, nullptr) != 1) {
        ERR_clear_error();
        return make_error(ErrorKind::temporary, "OpenSSL could not be set up");
    }
    return {};
}

void load_tls_error_strings() {
    // Should it fail, the reasons read "reason(N)": still an answer.
    (void)OPENSSL_init_ssl(options | OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS, nullptr);
}

}  // namespace pop3d::session
