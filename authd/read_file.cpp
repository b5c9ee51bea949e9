#include "authd/read_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "common/fd_io.h"
#include "common/limits.h"
#include "common/unique_fd.h"

namespace pop3d::authd {
namespace {

Error io_error(const std::string& path, int err) {
    return make_error(err == EACCES || err == EPERM ? ErrorKind::permanent : ErrorKind::temporary,
                      path + ": " + std::strerror(err));
}

}  // namespace

Status check_account_file(const struct stat& st, const std::string& path, const AccountFileRule& rule) {
    if (!rule.enforce) return {};
    const std::string fix = "; pop3d-passwd writes it owned by root, group pop3d-auth's, mode 0640";
    if (st.st_uid != 0 && (rule.also_owner == 0 || st.st_uid != rule.also_owner))
        return make_error(ErrorKind::permanent,
                          path + ": owned by uid " + std::to_string(st.st_uid) + ", not by root" + fix);
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return make_error(ErrorKind::permanent, path + ": writable by its group or by others" + fix);
    if (st.st_mode & S_IROTH)
        return make_error(ErrorKind::permanent,
                          path + ": readable by everybody, and it holds password hashes or secrets" + fix);
    return {};
}

Result<std::optional<Secret>> read_account_file(const std::string& path, const AccountFileRule& rule) {
    // O_NONBLOCK: a FIFO in place of the file would otherwise wait for a
    // writer (every request would hang); it is then refused as not regular.
    // It changes nothing for a regular file.
    UniqueFd f(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (!f.valid()) {
        if (errno == ENOENT) return std::optional<Secret>();
        return io_error(path, errno);
    }
    struct stat st {};
    if (fstat(f.get(), &st) != 0) return io_error(path, errno);
    if (!S_ISREG(st.st_mode)) return make_error(ErrorKind::permanent, path + ": not a regular file");
    if (auto trusted = check_account_file(st, path, rule); !trusted) return trusted.error();
    if (static_cast<std::size_t>(st.st_size) > limits::account_file)
        return make_error(ErrorKind::permanent, path + ": larger than " + std::to_string(limits::account_file) + " bytes");
    // One byte more than fstat said tells a file that grew meanwhile.
    std::size_t cap = static_cast<std::size_t>(st.st_size) + 1;
    std::unique_ptr<char[]> buf(new char[cap]);
    auto got = read_up_to(f.get(), buf.get(), cap);
    Result<std::optional<Secret>> out = make_error(ErrorKind::temporary, path + ": changed while being read");
    if (!got)
        out = make_error(ErrorKind::temporary, path + ": " + got.error().message);
    else if (*got < cap)
        out = std::optional<Secret>(Secret(std::string_view(buf.get(), *got)));
    sodium_memzero(buf.get(), cap);
    return out;
}

}  // namespace pop3d::authd
