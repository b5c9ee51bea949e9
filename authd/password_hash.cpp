#include "authd/password_hash.h"

#include <crypt.h>
#include <sodium.h>

#include <cstring>
#include <memory>
#include <string>

namespace pop3d::authd {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// crypt_r's state holds intermediate values derived from the password.
struct WipedCryptData {
    struct crypt_data data {};
    ~WipedCryptData() { sodium_memzero(&data, sizeof data); }
};

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

}  // namespace pop3d::authd
