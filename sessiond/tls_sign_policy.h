// What the monitor agrees to sign for the front (tls_frames.h). The private
// operation is the one thing the key is for, so the monitor refuses any
// input that is not what a TLS handshake signs: a SHA-2 digest for PKCS#1
// v1.5 and ECDSA, and for RSA-PSS a well-formed EMSA-PSS block (RFC 8017
// section 9.1.2, salt as long as the hash, as TLS uses it). A raw RSA
// operation on anything else (a ciphertext to decrypt, a blinded one) fails
// the PSS structure check except with negligible probability, so a
// compromised front cannot use the monitor as a decryption oracle.
// Pure: bytes in, verdict out.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/result.h"
#include "sessiond/tls_frames.h"

namespace pop3d::session {

// The digest lengths of the accepted hashes (SHA-224/256/384/512).
bool acceptable_digest_length(std::size_t length);

// Whether hash_nid names an accepted hash and digest is as long as it.
bool acceptable_pkcs1_digest(std::uint32_t hash_nid, std::string_view digest);

// Whether block (exactly the modulus' size in bytes) is an EMSA-PSS
// encoding for a key of modulus_bits, for some accepted hash with MGF1 of
// the same hash and a salt of the hash's length.
bool is_pss_block(std::string_view block, unsigned modulus_bits);

}  // namespace pop3d::session
