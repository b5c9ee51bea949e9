#include "common/mbox/locks/session_lock_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/fd_io.h"
#include "common/unique_fd.h"

namespace pop3d::mbox {
namespace {

constexpr std::size_t key_bytes = 32;

Error io_error(const std::string& what) {
    return make_error(ErrorKind::temporary, "session lock key: " + what + ": " + std::strerror(errno));
}

Error refused(const std::string& why) { return make_error(ErrorKind::permanent, "session lock key: " + why); }

Status make_key(const std::string& path) {
    const std::string tmp = path + ".new." + std::to_string(::getpid());
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) return io_error("create " + tmp);
    unsigned char key[key_bytes];
    randombytes_buf(key, sizeof key);
    const Status written = write_all(fd.get(), std::string_view(reinterpret_cast<const char*>(key), sizeof key));
    sodium_memzero(key, sizeof key);
    Status st;
    if (!written)
        st = make_error(ErrorKind::temporary, "session lock key: write " + tmp + ": " + written.error().message);
    // link fails with EEXIST when another monitor was first: theirs is used.
    else if (::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) st = io_error("link " + path);
    ::unlink(tmp.c_str());
    return st;
}

}  // namespace

Result<Secret> load_session_lock_key(const std::string& path) {
    const std::string dir = path.substr(0, path.rfind('/'));
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return io_error("mkdir " + dir);
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0) return io_error(dir);
    if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022))
        return refused(dir + " must be root's, writable by root only");
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd.valid() && errno == ENOENT) {
        if (auto made = make_key(path); !made) return made.error();
        fd.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    }
    if (!fd.valid()) return io_error("open " + path);
    if (::fstat(fd.get(), &st) != 0) return io_error("fstat " + path);
    if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 077) || st.st_size != key_bytes)
        return refused(path + " must be a 32-byte file only root can read");
    unsigned char key[key_bytes];
    auto got = read_up_to(fd.get(), reinterpret_cast<char*>(key), key_bytes);
    Result<Secret> out = refused(path + " changed while being read");
    if (got && *got == key_bytes) out = Secret(std::string_view(reinterpret_cast<const char*>(key), key_bytes));
    sodium_memzero(key, sizeof key);
    return out;
}

}  // namespace pop3d::mbox
