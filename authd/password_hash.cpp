#include "authd/password_hash.h"

#include <crypt.h>
#include <sodium.h>

#include <cstring>
#include <memory>

namespace pop3d::authd {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// crypt_r's state holds intermediate values derived from the password.
struct WipedCryptData {
    struct crypt_data data {};
    ~WipedCryptData() { sodium_memzero(&data, sizeof data); }
};

Secret random_password() {
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    char hex[2 * sizeof raw + 1];
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    Secret s{std::string_view(hex, 2 * sizeof raw)};
    sodium_memzero(raw, sizeof raw);
    sodium_memzero(hex, sizeof hex);
    return s;
}

}  // namespace

bool verify_password(std::string_view hash, const Secret& password) {
    if (hash.empty() || hash.find('\0') != std::string_view::npos) return false;
    std::string stored(hash);  // NUL-terminated for the C interfaces
    if (starts_with(hash, "$argon2")) {
        return crypto_pwhash_str_verify(stored.c_str(), password.view().data(), password.size()) == 0;
    }
    // crypt_r answers a hash it cannot use with "*0"/"*1" or NULL; a locked
    // "!..." hash is not a valid setting either, so it can never match.
    auto data = std::make_unique<WipedCryptData>();
    const char* out = crypt_r(password.view().data(), stored.c_str(), &data->data);
    if (!out || out[0] == '*') return false;
    std::size_t n = std::strlen(out);
    return n == stored.size() && sodium_memcmp(out, stored.data(), n) == 0;
}

Result<std::string> dummy_argon2_hash() {
    Secret pw = random_password();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, pw.view().data(), pw.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return make_error(ErrorKind::temporary, "crypto_pwhash_str: out of memory");
    return std::string(out);
}

Result<std::string> dummy_crypt_hash() {
    Secret pw = random_password();
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!crypt_gensalt_rn(nullptr, 0, nullptr, 0, salt, sizeof salt))
        return make_error(ErrorKind::permanent, "crypt_gensalt: no default hashing method");
    auto data = std::make_unique<WipedCryptData>();
    const char* out = crypt_r(pw.view().data(), salt, &data->data);
    if (!out || out[0] == '*') return make_error(ErrorKind::permanent, "crypt_r failed for the dummy hash");
    return std::string(out);
}

}  // namespace pop3d::authd
