#include "authd/apop.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <cctype>
#include <memory>

#include "common/limits.h"

namespace pop3d::authd {

Result<std::string> apop_digest(std::string_view timestamp, std::string_view secret) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), timestamp.data(), timestamp.size()) != 1 ||
        EVP_DigestUpdate(ctx.get(), secret.data(), secret.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), md, &len) != 1 || len != limits::apop_digest / 2)
        return make_error(ErrorKind::permanent, "MD5 is not available (OpenSSL EVP)");
    char hex[limits::apop_digest + 1];
    sodium_bin2hex(hex, sizeof hex, md, len);
    return std::string(hex, limits::apop_digest);
}

bool apop_digest_matches(std::string_view expected, std::string_view client_digest) {
    if (expected.size() != limits::apop_digest || client_digest.size() != limits::apop_digest) return false;
    char lower[limits::apop_digest];
    for (std::size_t i = 0; i < limits::apop_digest; ++i)
        lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(client_digest[i])));
    return sodium_memcmp(lower, expected.data(), limits::apop_digest) == 0;
}

}  // namespace pop3d::authd
