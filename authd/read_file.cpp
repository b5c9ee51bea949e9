#include "authd/read_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "common/limits.h"

namespace pop3d::authd {
namespace {

struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) close(fd);
    }
};

Error io_error(const std::string& path, int err) {
    return make_error(err == EACCES || err == EPERM ? ErrorKind::permanent : ErrorKind::temporary,
                      path + ": " + std::strerror(err));
}

}  // namespace

Result<Secret> read_account_file(const std::string& path) {
    Fd f{open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (f.fd < 0) {
        if (errno == ENOENT) return Secret();
        return io_error(path, errno);
    }
    struct stat st {};
    if (fstat(f.fd, &st) != 0) return io_error(path, errno);
    if (!S_ISREG(st.st_mode)) return make_error(ErrorKind::permanent, path + ": not a regular file");
    if (static_cast<std::size_t>(st.st_size) > limits::account_file)
        return make_error(ErrorKind::permanent, path + ": larger than " + std::to_string(limits::account_file) + " bytes");
    // One byte more than fstat said tells a file that grew meanwhile.
    std::size_t cap = static_cast<std::size_t>(st.st_size) + 1;
    std::unique_ptr<char[]> buf(new char[cap]);
    std::size_t got = 0;
    while (got < cap) {
        ssize_t n = read(f.fd, buf.get() + got, cap - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int err = errno;
            sodium_memzero(buf.get(), cap);
            return io_error(path, err);
        }
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    Result<Secret> out = make_error(ErrorKind::temporary, path + ": changed while being read");
    if (got < cap) out = Secret(std::string_view(buf.get(), got));
    sodium_memzero(buf.get(), cap);
    return out;
}

}  // namespace pop3d::authd
