// The front's private key that is not there: a key object with the
// certificate's public half whose private operation is one frame to the
// monitor (tls_frames.h: sign_request / signature).
#pragma once

#include "common/result.h"

typedef struct evp_pkey_st EVP_PKEY;
typedef struct x509_st X509;

namespace pop3d::session {

// A key for SSL_CTX_use_PrivateKey, built from leaf's public key (RSA or
// EC). Its signatures are asked of the monitor over monitor_fd; the
// monitor grants one. The caller frees it with EVP_PKEY_free.
Result<EVP_PKEY*> make_remote_key(X509* leaf, int monitor_fd);

}  // namespace pop3d::session
