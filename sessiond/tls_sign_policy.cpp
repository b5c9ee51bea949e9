#include "sessiond/tls_sign_policy.h"

#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include <string>
#include <vector>

namespace pop3d::session {
namespace {

const EVP_MD* hash_of_length(std::size_t length) {
    switch (length) {
        case 28: return EVP_sha224();
        case 32: return EVP_sha256();
        case 48: return EVP_sha384();
        case 64: return EVP_sha512();
        default: return nullptr;
    }
}

// MGF1 (RFC 8017 B.2.1): the mask of `length` bytes from seed.
bool mgf1(const EVP_MD* md, std::string_view seed, std::size_t length, std::vector<unsigned char>& mask) {
    mask.clear();
    for (std::uint32_t counter = 0; mask.size() < length; ++counter) {
        unsigned char c[4] = {static_cast<unsigned char>(counter >> 24), static_cast<unsigned char>(counter >> 16),
                              static_cast<unsigned char>(counter >> 8), static_cast<unsigned char>(counter)};
        std::string input(seed);
        input.append(reinterpret_cast<const char*>(c), 4);
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        if (EVP_Digest(input.data(), input.size(), out, &n, md, nullptr) != 1) return false;
        mask.insert(mask.end(), out, out + n);
    }
    mask.resize(length);
    return true;
}

bool pss_structure_holds(std::string_view em, std::size_t em_bits, std::size_t h_len) {
    const EVP_MD* md = hash_of_length(h_len);
    std::size_t em_len = em.size();
    std::size_t s_len = h_len;
    if (!md || em_len < h_len + s_len + 2) return false;
    if (static_cast<unsigned char>(em.back()) != 0xbc) return false;
    std::size_t db_len = em_len - h_len - 1;
    unsigned top_bits = static_cast<unsigned>(8 * em_len - em_bits);  // bits of em[0] that must be zero
    if (top_bits > 0 && (static_cast<unsigned char>(em[0]) >> (8 - top_bits)) != 0) return false;
    std::vector<unsigned char> mask;
    if (!mgf1(md, em.substr(db_len, h_len), db_len, mask)) return false;
    std::vector<unsigned char> db(db_len);
    for (std::size_t i = 0; i < db_len; ++i) db[i] = static_cast<unsigned char>(em[i]) ^ mask[i];
    if (top_bits > 0) db[0] &= static_cast<unsigned char>(0xff >> top_bits);
    std::size_t zeros = em_len - h_len - s_len - 2;
    for (std::size_t i = 0; i < zeros; ++i)
        if (db[i] != 0) return false;
    return db[zeros] == 0x01;
}

}  // namespace

bool acceptable_digest_length(std::size_t length) { return hash_of_length(length) != nullptr; }

bool acceptable_pkcs1_digest(std::uint32_t hash_nid, std::string_view digest) {
    switch (hash_nid) {
        case NID_sha224: return digest.size() == 28;
        case NID_sha256: return digest.size() == 32;
        case NID_sha384: return digest.size() == 48;
        case NID_sha512: return digest.size() == 64;
        default: return false;
    }
}

bool is_pss_block(std::string_view block, unsigned modulus_bits) {
    if (modulus_bits < 1024 || block.size() != (modulus_bits + 7) / 8) return false;
    // EMSA-PSS works on emBits = modBits - 1; when that is a multiple of 8
    // the encoded message is one byte shorter than the block, whose first
    // byte is then zero.
    std::size_t em_bits = modulus_bits - 1;
    std::size_t em_len = (em_bits + 7) / 8;
    std::string_view em = block;
    if (em_len < block.size()) {
        if (block[0] != 0) return false;
        em = block.substr(1);
    }
    for (std::size_t h_len : {32u, 48u, 64u})
        if (pss_structure_holds(em, em_bits, h_len)) return true;
    return false;
}

}  // namespace pop3d::session
