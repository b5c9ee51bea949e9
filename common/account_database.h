// The reentrant account database calls (getpwnam_r, getgrnam_r, getspnam_r)
// want a buffer from the caller and answer ERANGE when it is too small.
// One loop for all of them: 4 KiB, then four times more, up to 1 MiB.
#pragma once

#include <sodium.h>

#include <cerrno>
#include <cstddef>
#include <memory>

namespace pop3d {

inline constexpr std::size_t account_buffer_max = 1 << 20;

// Calls call(buffer, size) until it answers anything but ERANGE, and returns
// that answer (ERANGE: the entry is larger than account_buffer_max). call
// must copy what it needs out of the buffer: the buffer is wiped after each
// call, since it may hold a password hash.
template <typename Call>
int with_account_buffer(Call&& call) {
    for (std::size_t size = 4096; size <= account_buffer_max; size *= 4) {
        std::unique_ptr<char[]> buffer(new char[size]);
        const int rc = call(buffer.get(), size);
        sodium_memzero(buffer.get(), size);
        if (rc != ERANGE) return rc;
    }
    return ERANGE;
}

}  // namespace pop3d
