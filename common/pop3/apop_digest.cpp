// The APOP digest check (RFC 1939 section 7), apart from the greeting's
// timestamp so that only pop3d-auth, which checks digests, links OpenSSL:
// its relocated data cost every session about 400 KiB of private memory.
#include <openssl/evp.h>
#include <sodium.h>

#include <array>
#include <memory>

#include "common/pop3/apop.h"

namespace pop3d::pop3 {
namespace {

constexpr std::size_t md5_size = 16;
constexpr char hex_digits[] = "0123456789abcdef";

Result<std::array<unsigned char, md5_size>> md5(std::string_view a, std::string_view b) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                &EVP_MD_CTX_free);
    std::array<unsigned char, md5_size> digest{};
    unsigned int size = 0;
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), a.data(), a.size()) != 1 ||
        EVP_DigestUpdate(ctx.get(), b.data(), b.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), digest.data(), &size) != 1 || size != md5_size) {
        return make_error(ErrorKind::permanent, "MD5 is not available from OpenSSL");
    }
    return digest;
}

}  // namespace

Result<std::string> apop_digest(std::string_view timestamp, std::string_view secret) {
    auto digest = md5(timestamp, secret);
    if (!digest) return digest.error();
    std::string hex;
    for (unsigned char byte : *digest) {
        hex += hex_digits[byte >> 4];
        hex += hex_digits[byte & 0xf];
    }
    sodium_memzero(digest->data(), digest->size());
    return hex;
}

bool apop_digest_matches(std::string_view timestamp, std::string_view secret,
                         std::string_view digest) {
    if (digest.size() != 2 * md5_size) return false;
    std::array<char, 2 * md5_size> given{};
    for (std::size_t i = 0; i < digest.size(); ++i) {
        char c = digest[i];
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        given[i] = c;
    }
    auto expected = apop_digest(timestamp, secret);
    if (!expected) return false;
    bool match = sodium_memcmp(expected->data(), given.data(), given.size()) == 0;
    sodium_memzero(expected->data(), expected->size());
    return match;
}

}  // namespace pop3d::pop3
