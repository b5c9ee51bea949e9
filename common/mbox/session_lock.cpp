#include "common/mbox/session_lock.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

namespace pop3d::mbox {
namespace {

Error io_error(const std::string& what) {
    return make_error(ErrorKind::temporary, what + ": " + std::strerror(errno));
}

Error busy() { return make_error(ErrorKind::in_use, "another session holds the maildrop"); }

std::string abstract_name(const std::string& mbox_path) {
    const std::string key = std::to_string(::getuid()) + ":" + mbox_path;
    unsigned char digest[16];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(key.data()),
                       key.size(), nullptr, 0);
    char hex[sizeof digest * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return std::string("pop3d-session-") + hex;
}

}  // namespace

Result<std::unique_ptr<SessionLock>> SessionLock::take(const std::string& state_dir,
                                                       const std::string& mbox_path) {
    if (!state_dir.empty()) {
        const std::string path = state_dir + "/session.lock";
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0) return io_error("session lock " + path);
        std::unique_ptr<SessionLock> lock(new SessionLock(fd));
        while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            if (errno == EINTR) continue;
            if (errno == EWOULDBLOCK) return busy();
            return io_error("session lock " + path);
        }
        return lock;
    }
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return io_error("session lock socket");
    std::unique_ptr<SessionLock> lock(new SessionLock(fd));
    const std::string name = abstract_name(mbox_path);
    struct sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path + 1, name.data(), name.size());  // sun_path[0] = 0: abstract
    const socklen_t len = static_cast<socklen_t>(offsetof(struct sockaddr_un, sun_path) + 1 + name.size());
    if (::bind(fd, reinterpret_cast<struct sockaddr*>(&addr), len) != 0) {
        if (errno == EADDRINUSE) return busy();
        return io_error("session lock bind");
    }
    return lock;
}

SessionLock::~SessionLock() { ::close(fd_); }

}  // namespace pop3d::mbox
