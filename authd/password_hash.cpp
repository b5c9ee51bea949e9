#include "authd/password_hash.h"

#include <crypt.h>
#include <sodium.h>

#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "common/limits.h"
#include "common/log.h"

namespace pop3d::authd {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// crypt_r's state holds intermediate values derived from the password.
struct WipedCryptData {
    struct crypt_data data {};
    ~WipedCryptData() { sodium_memzero(&data, sizeof data); }
};

// Takes "NAME=DIGITS" off the front of s; nullopt when absent or above max.
std::optional<unsigned long long> take_number(std::string_view& s, std::string_view name, unsigned long long max) {
    if (!starts_with(s, name)) return std::nullopt;
    s.remove_prefix(name.size());
    unsigned long long v = 0;
    std::size_t digits = 0;
    while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') {
        v = v * 10 + static_cast<unsigned long long>(s[digits] - '0');
        if (v > max) return std::nullopt;
        ++digits;
    }
    if (digits == 0) return std::nullopt;
    s.remove_prefix(digits);
    return v;
}

}  // namespace

bool argon2_cost_acceptable(std::string_view hash) {
    if (starts_with(hash, "$argon2id$"))
        hash.remove_prefix(10);
    else if (starts_with(hash, "$argon2i$"))
        hash.remove_prefix(9);
    else
        return false;
    if (starts_with(hash, "v=19$")) hash.remove_prefix(5);
    auto m = take_number(hash, "m=", limits::argon2_max_memory_kib);
    if (!m) return false;
    auto t = take_number(hash, ",t=", limits::argon2_max_work_kib);
    if (!t || *t == 0 || *m * *t > limits::argon2_max_work_kib) return false;
    auto p = take_number(hash, ",p=", 1);
    return p && *p == 1 && starts_with(hash, "$");
}

bool verify_password(std::string_view hash, const Secret& password) {
    if (hash.empty() || hash.find('\0') != std::string_view::npos) return false;
    std::string stored(hash);  // NUL-terminated for the C interfaces
    if (starts_with(hash, "$argon2")) {
        if (!argon2_cost_acceptable(hash)) {
            log::warning("an argon2 hash asks for more work than pop3d-passwd makes; refused unchecked");
            return false;
        }
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
