// Checking a password against a stored hash, and the dummy hashes that make
// an unknown user cost as much as a known one.
#pragma once

#include <string_view>

#include "common/secret.h"

namespace pop3d::authd {

// True when `password` matches `hash`: "$argon2id$..." / "$argon2i$..."
// through libsodium's crypto_pwhash_str_verify, anything else through
// crypt_r (yescrypt, SHA-512, ...), compared in constant time. A locked or
// malformed hash never matches.
bool verify_password(std::string_view hash, const Secret& password);

// Hashes of a random password that was thrown away as soon as they were
// made, so nothing matches them. Constants rather than made at start: each
// session starts its own pop3d-auth, and making an argon2id hash costs what
// checking one does. Verifying against them costs what a real hash of the
// same kind and parameters costs, which is all they are for.
// argon2id with libsodium's interactive limits (pop3d-passwd's default):
inline constexpr std::string_view dummy_argon2_hash =
    "$argon2id$v=19$m=65536,t=2,p=1$cQDXL4RIVwUdaE/xu3hfgw$JOGVjMZ2dSsWz7A14ovXRyE5Vr5/v9t7xqSzpAL0wsE";
// yescrypt with Debian 12's default cost, the kind /etc/shadow holds there:
inline constexpr std::string_view dummy_crypt_hash = "$y$j9T$poz228Wz8hVq0BV4deiJU0$BO/DbCXo8d88dXnUpOr6sEbpdqelyjz.XB.5PJ1ulR7";

}  // namespace pop3d::authd
