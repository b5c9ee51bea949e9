// Checking a password against a stored hash, and the dummy hashes that make
// an unknown user cost as much as a known one.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "common/secret.h"

namespace pop3d::authd {

// True when `password` matches `hash`: "$argon2id$..." / "$argon2i$..."
// through libsodium's crypto_pwhash_str_verify, anything else through
// crypt_r (yescrypt, SHA-512, ...), compared in constant time. A locked or
// malformed hash never matches.
bool verify_password(std::string_view hash, const Secret& password);

// An argon2id hash of random bytes with libsodium's interactive limits (the
// ones pop3d-passwd uses by default).
Result<std::string> dummy_argon2_hash();
// A crypt(3) hash of random bytes with the system's preferred method and
// cost (crypt_gensalt with no prefix: yescrypt on Debian 12), the kind
// /etc/shadow holds.
Result<std::string> dummy_crypt_hash();

}  // namespace pop3d::authd
