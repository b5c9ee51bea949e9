#include "common/fd_io.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace pop3d {

Status write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return make_error(ErrorKind::temporary, std::strerror(n < 0 ? errno : ENOSPC));
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

namespace {

// at < 0: read(2) from the file offset; else pread(2) from `at`.
Result<std::size_t> read_loop(int fd, char* buf, std::size_t size, off_t at) {
    std::size_t got = 0;
    while (got < size) {
        const ssize_t n = at < 0 ? ::read(fd, buf + got, size - got)
                                 : ::pread(fd, buf + got, size - got, at + static_cast<off_t>(got));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return make_error(ErrorKind::temporary, std::strerror(errno));
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    return got;
}

}  // namespace

Result<std::size_t> read_up_to(int fd, char* buf, std::size_t size) { return read_loop(fd, buf, size, -1); }

Result<std::size_t> pread_up_to(int fd, char* buf, std::size_t size, off_t offset) {
    // A negative offset is the caller's bug, not input: retrying cannot help.
    if (offset < 0) return make_error(ErrorKind::permanent, std::string("pread: ") + std::strerror(EINVAL));
    return read_loop(fd, buf, size, offset);
}

}  // namespace pop3d
