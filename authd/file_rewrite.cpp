#include "authd/file_rewrite.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "authd/read_file.h"
#include "common/fd_io.h"
#include "common/limits.h"

namespace pop3d::authd {
namespace {

Error sys_error(const std::string& what, int err) {
    return make_error(ErrorKind::temporary, what + ": " + std::strerror(err));
}

std::string directory_of(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

// Removes the temporary file unless it was renamed into place.
struct TempFile {
    std::string path;
    UniqueFd fd;
    bool keep = false;
    ~TempFile() {
        fd.reset();
        if (!keep && !path.empty()) unlink(path.c_str());
    }
};

}  // namespace

Result<FileLock> FileLock::acquire(const std::string& path) {
    std::string lock = path + ".lock";
    UniqueFd fd(open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) return sys_error(lock, errno);
    for (int i = 0; i < limits::passwd_lock_attempts; ++i) {
        if (flock(fd.get(), LOCK_EX | LOCK_NB) == 0) return FileLock(std::move(fd));
        if (const int err = errno; err != EWOULDBLOCK && err != EINTR) return sys_error("lock " + lock, err);
        usleep(limits::passwd_lock_retry_ms * 1000);
    }
    return make_error(ErrorKind::temporary, lock + ": still locked by another pop3d-passwd after 10 seconds");
}

Status rewrite_file(const std::string& path, const NewFileOwner& fresh,
                    const std::function<Result<Secret>(std::string_view old_text)>& edit) {
    auto lock = FileLock::acquire(path);
    if (!lock) return lock.error();

    NewFileOwner keep = fresh;
    struct stat st {};
    if (stat(path.c_str(), &st) == 0) {
        if (!S_ISREG(st.st_mode)) return make_error(ErrorKind::invalid, path + ": not a regular file");
        // Root always writes `fresh`: a file an older version left to the
        // helper's account, or one an administrator opened up, is put right.
        if (geteuid() != 0) keep = {st.st_uid, st.st_gid, static_cast<mode_t>(st.st_mode & 07777)};
    } else if (errno != ENOENT) {
        return sys_error(path, errno);
    }
    auto old_text = read_account_file(path);
    if (!old_text) return old_text.error();
    auto new_text = edit(*old_text ? (*old_text)->view() : std::string_view());
    if (!new_text) return new_text.error();

    TempFile tmp;
    std::string tmpl = path + ".XXXXXX";
    std::unique_ptr<char[]> name(new char[tmpl.size() + 1]);
    std::memcpy(name.get(), tmpl.c_str(), tmpl.size() + 1);
    tmp.fd.reset(mkostemp(name.get(), O_CLOEXEC));  // made 0600: nobody reads it before its mode is set
    if (!tmp.fd.valid()) return sys_error("create a temporary file next to " + path, errno);
    tmp.path = name.get();
    // chown may fail for a normal user keeping their own file; only root can
    // give a file away, so only then is a failure an error.
    if (fchown(tmp.fd.get(), keep.uid, keep.gid) != 0 && (geteuid() == 0 || keep.uid != geteuid()))
        return sys_error("chown " + tmp.path, errno);
    if (fchmod(tmp.fd.get(), keep.mode) != 0) return sys_error("chmod " + tmp.path, errno);
    if (auto w = write_all(tmp.fd.get(), new_text->view()); !w)
        return make_error(ErrorKind::temporary, "write " + tmp.path + ": " + w.error().message);
    if (fsync(tmp.fd.get()) != 0) return sys_error("fsync " + tmp.path, errno);
    if (rename(tmp.path.c_str(), path.c_str()) != 0) return sys_error("rename to " + path, errno);
    tmp.keep = true;
    std::string dir = directory_of(path);
    UniqueFd dfd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dfd.valid()) return sys_error(dir, errno);
    if (fsync(dfd.get()) != 0) {
        const int err = errno;
        return sys_error("fsync " + dir, err);
    }
    return {};
}

}  // namespace pop3d::authd
