#include "common/mbox/state/state_dir_fallback.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace pop3d::mbox {
namespace {

Status make_directory(const std::string& path, mode_t mode, uid_t uid, gid_t gid) {
    if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST)
        return make_error(ErrorKind::temporary, "mkdir " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0)
        return make_error(ErrorKind::temporary, "lstat " + path + ": " + std::strerror(errno));
    if (!S_ISDIR(st.st_mode)) return make_error(ErrorKind::permanent, path + " is not a directory");
    if ((st.st_uid != uid || st.st_gid != gid) && ::lchown(path.c_str(), uid, gid) != 0)
        return make_error(ErrorKind::temporary, "chown " + path + ": " + std::strerror(errno));
    if ((st.st_mode & 07777) != mode && ::chmod(path.c_str(), mode) != 0)
        return make_error(ErrorKind::temporary, "chmod " + path + ": " + std::strerror(errno));
    return {};
}

// One directory per maildrop, named by a digest of its path so that any
// path (and any user name) gives a short, safe file name.
std::string directory_name(const std::string& maildrop) {
    unsigned char digest[16];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(maildrop.data()),
                       maildrop.size(), nullptr, 0);
    char hex[sizeof digest * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

}  // namespace

Result<std::string> prepare_state_dir_fallback(const std::string& state_dir, const std::string& maildrop,
                                               uid_t uid, gid_t gid, const std::string& root) {
    if (state_dir.empty()) return std::string();
    const std::size_t slash = state_dir.rfind('/');
    const std::string parent = slash == std::string::npos || slash == 0 ? std::string("/")
                                                                         : std::string(state_dir.data(), slash);
    struct stat st {};
    if (::stat(parent.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return std::string();
    if (auto made = make_directory(root, 0711, 0, 0); !made) return made.error();
    const std::string dir = root + "/" + directory_name(maildrop);
    if (auto made = make_directory(dir, 0700, uid, gid); !made) return made.error();
    return dir;
}

}  // namespace pop3d::mbox
