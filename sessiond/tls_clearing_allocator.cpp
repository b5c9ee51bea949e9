#include "sessiond/tls_clearing_allocator.h"

#include <malloc.h>
#include <openssl/crypto.h>
#include <sodium.h>

#include <cstdlib>
#include <cstring>

namespace pop3d::session {
namespace {

void* allocate(std::size_t size, const char*, int) { return std::malloc(size); }

void release(void* p, const char*, int) {
    if (!p) return;
    sodium_memzero(p, malloc_usable_size(p));
    std::free(p);
}

// Never realloc in place: the old block is cleared before it is freed.
void* reallocate(void* p, std::size_t size, const char* file, int line) {
    if (!p) return allocate(size, file, line);
    if (size == 0) {
        release(p, file, line);
        return nullptr;
    }
    void* fresh = std::malloc(size);
    if (!fresh) return nullptr;
    std::size_t old = malloc_usable_size(p);
    std::memcpy(fresh, p, old < size ? old : size);
    release(p, file, line);
    return fresh;
}

}  // namespace

Status clear_openssl_frees() {
    if (CRYPTO_set_mem_functions(allocate, reallocate, release) != 1)
        return make_error(ErrorKind::permanent, "OpenSSL allocated memory before its allocator could be set");
    return {};
}

}  // namespace pop3d::session
