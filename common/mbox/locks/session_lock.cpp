#include "common/mbox/locks/session_lock.h"

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

}  // namespace

std::string session_lock_name(uid_t uid, const std::string& mbox_path, std::string_view key) {
    const std::string input = std::to_string(uid) + ":" + mbox_path;
    unsigned char digest[16];
    // BLAKE2b's keyed mode is a MAC: without the key the name is unknown.
    // Keys longer than crypto_generichash_KEYBYTES_MAX are refused by the
    // loader; an empty key is the unkeyed hash.
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                       reinterpret_cast<const unsigned char*>(key.data()),
                       key.size() <= crypto_generichash_KEYBYTES_MAX ? key.size() : 0);
    char hex[sizeof digest * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return std::string("pop3d-session-") + hex;
}

Result<std::unique_ptr<SessionLock>> SessionLock::take(const std::string& lock_path, const std::string& mbox_path,
                                                       std::string_view key) {
    if (!lock_path.empty()) {
        const std::string& path = lock_path;
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
    const std::string name = session_lock_name(::getuid(), mbox_path, key);
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

}  // namespace pop3d::mbox
