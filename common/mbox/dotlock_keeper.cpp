#include "common/mbox/dotlock_keeper.h"

#include <fcntl.h>
#include <lockfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/child_descriptors.h"
#include "common/log.h"
#include "common/privileges.h"

namespace pop3d::mbox {
namespace {

constexpr char request_create = 'C';
constexpr char request_remove = 'R';
constexpr int keeper_fd = kept_descriptor;

bool send_byte(int fd, char c) {
    for (;;) {
        if (::send(fd, &c, 1, MSG_NOSIGNAL) == 1) return true;
        if (errno != EINTR) return false;
    }
}

// 0: end of file or error.
int recv_byte(int fd, char& c) {
    for (;;) {
        ssize_t n = ::recv(fd, &c, 1, 0);
        if (n >= 0) return static_cast<int>(n);
        if (errno != EINTR) return 0;
    }
}

// The keeper's whole life after fork. Never returns.
[[noreturn]] void run_keeper(int sock, const std::string& lock_path, uid_t uid, gid_t gid) {
    // Keep only the channel: the client socket and every other descriptor of
    // the monitor stay out of this process.
    if (!keep_only_descriptor(sock)) _exit(111);
    if (!privileges::switch_to(uid, gid, {}) || !privileges::drop_all_capabilities() ||
        !privileges::set_no_new_privs() || !privileges::set_not_dumpable() ||
        !privileges::disable_core_dumps())
        _exit(111);
    bool held = false;
    char request = 0;
    while (recv_byte(keeper_fd, request) == 1) {
        char reply;
        if (request == request_create) {
            int r = lockfile_create(lock_path.c_str(), 0, L_PID);
            held = held || r == L_SUCCESS;
            reply = static_cast<char>(r);
        } else if (request == request_remove) {
            int r = lockfile_remove(lock_path.c_str());
            if (r == 0) held = false;
            reply = static_cast<char>(r == 0 ? 0 : 1);
        } else {
            break;
        }
        if (!send_byte(keeper_fd, reply)) break;
    }
    if (held) lockfile_remove(lock_path.c_str());
    _exit(0);
}

}  // namespace

Result<std::unique_ptr<DotlockKeeper>> DotlockKeeper::start(const std::string& lock_path, uid_t uid,
                                                            gid_t spool_gid) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return make_error(ErrorKind::temporary, std::string("dotlock keeper: socketpair: ") + std::strerror(errno));
    pid_t pid = ::fork();
    if (pid < 0) {
        int err = errno;
        ::close(sv[0]);
        ::close(sv[1]);
        return make_error(ErrorKind::temporary, std::string("dotlock keeper: fork: ") + std::strerror(err));
    }
    if (pid == 0) run_keeper(sv[1], lock_path, uid, spool_gid);
    ::close(sv[1]);
    return std::unique_ptr<DotlockKeeper>(new DotlockKeeper(sv[0], pid));
}

DotlockKeeper::~DotlockKeeper() {
    ::close(fd_);
    int status;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
}

int DotlockKeeper::ask(char request) {
    char reply = 0;
    if (!send_byte(fd_, request) || recv_byte(fd_, reply) != 1) {
        log::error("mbox: the dotlock keeper (pid %d) does not answer", static_cast<int>(pid_));
        return -1;
    }
    return static_cast<unsigned char>(reply);
}

int DotlockKeeper::create() {
    int r = ask(request_create);
    return r < 0 ? L_ERROR : r;
}

int DotlockKeeper::remove() { return ask(request_remove) == 0 ? 0 : -1; }

std::optional<gid_t> dotlock_spool_group(const std::string& mbox_path, uid_t uid) {
    const std::size_t slash = mbox_path.rfind('/');
    const std::string dir = slash == std::string::npos || slash == 0 ? std::string("/")
                                                                      : std::string(mbox_path.data(), slash);
    // Only a real, root-owned spool directory: never one reached through a
    // symlink the user made (it could point the keeper's group at /var/mail
    // for a maildrop template under the home directory).
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0) return std::nullopt;
    bool owner_writes = st.st_uid == uid && (st.st_mode & S_IWUSR);
    bool others_write = st.st_mode & S_IWOTH;
    if (owner_writes || others_write) return std::nullopt;
    if ((st.st_mode & S_IWGRP) && st.st_gid != 0) return st.st_gid;
    return std::nullopt;
}

}  // namespace pop3d::mbox
