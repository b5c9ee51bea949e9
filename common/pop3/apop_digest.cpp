// The APOP digest check (RFC 1939 section 7), apart from the greeting's
// timestamp so that only pop3d-auth, which checks digests, uses OpenSSL: its
// relocated data cost every session about 400 KiB of private memory.
//
// Even pop3d-auth loads libcrypto only at its first APOP check (dlopen of
// the soname the headers belong to), not at every start: pop3d-auth starts
// for every connection, and relocating libcrypto was about 5% of the CPU of
// a password login (`make bench`, M1) that never uses it. The seccomp filter
// already allows what loading a library needs (NSS modules load the same way).
#include <dlfcn.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <sodium.h>

#include <array>
#include <memory>

#include "common/pop3/apop.h"

namespace pop3d::pop3 {
namespace {

constexpr std::size_t md5_size = 16;
constexpr char hex_digits[] = "0123456789abcdef";

#define POP3D_STRINGIFY(x) #x
#define POP3D_SONAME(major) "libcrypto.so." POP3D_STRINGIFY(major)
constexpr const char* libcrypto_soname = POP3D_SONAME(OPENSSL_SHLIB_VERSION);

// The few libcrypto functions MD5 needs, typed as the headers declare them.
struct Md5Functions {
    decltype(&EVP_MD_CTX_new) ctx_new = nullptr;
    decltype(&EVP_MD_CTX_free) ctx_free = nullptr;
    decltype(&EVP_md5) md5 = nullptr;
    decltype(&EVP_DigestInit_ex) init = nullptr;
    decltype(&EVP_DigestUpdate) update = nullptr;
    decltype(&EVP_DigestFinal_ex) final = nullptr;
};

template <typename F>
bool resolve(void* library, const char* name, F& function) {
    function = reinterpret_cast<F>(::dlsym(library, name));
    return function != nullptr;
}

// Loaded once, kept for the life of the process; on failure, why (dlerror).
const Result<const Md5Functions*>& libcrypto_md5() {
    static const Result<const Md5Functions*> loaded = []() -> Result<const Md5Functions*> {
        const auto unavailable = [](const char* what) {
            const char* why = ::dlerror();
            return make_error(ErrorKind::temporary, std::string("MD5 is not available: ") + what + ": " +
                                                        (why ? why : "unknown error"));
        };
        void* library = ::dlopen(libcrypto_soname, RTLD_NOW | RTLD_LOCAL);
        if (!library) return unavailable(libcrypto_soname);
        static Md5Functions f;
        if (!resolve(library, "EVP_MD_CTX_new", f.ctx_new) || !resolve(library, "EVP_MD_CTX_free", f.ctx_free) ||
            !resolve(library, "EVP_md5", f.md5) || !resolve(library, "EVP_DigestInit_ex", f.init) ||
            !resolve(library, "EVP_DigestUpdate", f.update) || !resolve(library, "EVP_DigestFinal_ex", f.final))
            return unavailable("a function of libcrypto");
        return &f;
    }();
    return loaded;
}

Result<std::array<unsigned char, md5_size>> md5(std::string_view a, std::string_view b) {
    const auto& loaded = libcrypto_md5();
    if (!loaded) return loaded.error();
    const Md5Functions* f = *loaded;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(f->ctx_new(), f->ctx_free);
    std::array<unsigned char, md5_size> digest{};
    unsigned int size = 0;
    if (!ctx || f->init(ctx.get(), f->md5(), nullptr) != 1 || f->update(ctx.get(), a.data(), a.size()) != 1 ||
        f->update(ctx.get(), b.data(), b.size()) != 1 || f->final(ctx.get(), digest.data(), &size) != 1 ||
        size != md5_size) {
        return make_error(ErrorKind::temporary, "MD5 failed in OpenSSL");
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

Result<bool> apop_digest_matches(std::string_view timestamp, std::string_view secret,
                                 std::string_view digest) {
    if (digest.size() != 2 * md5_size || !is_apop_digest(digest)) return false;
    std::array<char, 2 * md5_size> given{};
    for (std::size_t i = 0; i < digest.size(); ++i) {
        char c = digest[i];
        given[i] = c >= 'A' && c <= 'F' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    auto expected = apop_digest(timestamp, secret);
    if (!expected) return expected.error();
    bool match = sodium_memcmp(expected->data(), given.data(), given.size()) == 0;
    sodium_memzero(expected->data(), expected->size());
    return match;
}

}  // namespace pop3d::pop3
