#include "common/mbox/locks/dotlock_keeper.h"

#include <fcntl.h>
#include <lockfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "common/child_process.h"
#include "common/limits.h"
#include "common/privileges.h"

namespace pop3d::mbox {
namespace {

constexpr char request_create = 'C';
constexpr char request_remove = 'R';
constexpr int keeper_fd = kept_descriptor;

// One message; SOCK_SEQPACKET sends it whole or not at all.
bool send_all(int fd, const void* data, std::size_t size) {
    for (;;) {
        if (::send(fd, data, size, MSG_NOSIGNAL) == static_cast<ssize_t>(size)) return true;
        if (errno != EINTR) return false;
    }
}

bool send_byte(int fd, char c) { return send_all(fd, &c, 1); }

// The bytes of one message (SOCK_SEQPACKET keeps boundaries); 0 at end of
// file or on an error.
std::size_t recv_message(int fd, void* buf, std::size_t size) {
    for (;;) {
        ssize_t n = ::recv(fd, buf, size, 0);
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno != EINTR) return 0;
    }
}

int recv_byte(int fd, char& c) { return static_cast<int>(recv_message(fd, &c, 1)); }

// The reply to request_create: a DotlockAttempt in fixed-width fields, in
// this host's byte order (both ends are this host).
using CreateReply = std::array<unsigned char, 1 + 1 + 4 + 4 + 4 + 8>;

template <class T>
void put(unsigned char*& at, T value) {
    std::memcpy(at, &value, sizeof value);
    at += sizeof value;
}

template <class T>
T take(const unsigned char*& at) {
    T value;
    std::memcpy(&value, at, sizeof value);
    at += sizeof value;
    return value;
}

CreateReply encode(const DotlockAttempt& a) {
    CreateReply r{};
    unsigned char* at = r.data();
    put<std::uint8_t>(at, static_cast<std::uint8_t>(a.code));
    put<std::uint8_t>(at, a.stale_removed ? 1 : 0);
    put<std::int32_t>(at, a.error_number);
    put<std::int32_t>(at, a.holder);
    put<std::int32_t>(at, a.stale_pid);
    put<std::int64_t>(at, a.stale_age_seconds);
    return r;
}

DotlockAttempt decode(const CreateReply& r) {
    DotlockAttempt a;
    const unsigned char* at = r.data();
    a.code = take<std::uint8_t>(at);
    a.stale_removed = take<std::uint8_t>(at) != 0;
    a.error_number = take<std::int32_t>(at);
    a.holder = take<std::int32_t>(at);
    a.stale_pid = take<std::int32_t>(at);
    a.stale_age_seconds = take<std::int64_t>(at);
    return a;
}

// The keeper's whole life after fork, on kept_descriptor alone: the client
// socket and every other descriptor of the monitor stay out of it. Returns
// its exit status.
int run_keeper(const std::string& lock_path, uid_t uid, gid_t gid) {
    if (!privileges::clear_bounding_set() || !privileges::switch_to(uid, gid, {}) ||
        !privileges::drop_all_capabilities() || !privileges::set_no_new_privs() || !privileges::set_not_dumpable() ||
        !privileges::disable_core_dumps())
        return 111;
    bool held = false;
    char request = 0;
    while (recv_byte(keeper_fd, request) == 1) {
        if (request == request_create) {
            const DotlockAttempt a = try_dotlock(lock_path);
            held = held || a.code == L_SUCCESS;
            const CreateReply reply = encode(a);
            if (!send_all(keeper_fd, reply.data(), reply.size())) break;
        } else if (request == request_remove) {
            int r = lockfile_remove(lock_path.c_str());
            if (r == 0) held = false;
            if (!send_byte(keeper_fd, static_cast<char>(r == 0 ? 0 : 1))) break;
        } else {
            break;
        }
    }
    if (held) lockfile_remove(lock_path.c_str());
    return 0;
}

}  // namespace

Result<std::unique_ptr<DotlockKeeper>> DotlockKeeper::start(const std::string& lock_path, uid_t uid,
                                                            gid_t spool_gid) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return make_error(ErrorKind::temporary, std::string("dotlock keeper: socketpair: ") + std::strerror(errno));
    UniqueFd ours(sv[0]), theirs(sv[1]);
    auto pid = spawn_function(DescriptorMap::only(theirs.get()),
                              [&] { return run_keeper(lock_path, uid, spool_gid); });
    if (!pid) return make_error(ErrorKind::temporary, "dotlock keeper: " + pid.error().message);
    return std::unique_ptr<DotlockKeeper>(new DotlockKeeper(std::move(ours), *pid));
}

Status DotlockKeeper::stop() {
    if (stopped_) return {};
    stopped_ = true;
    fd_.reset();
    // At end of file it removes a lock it holds and exits: a keeper that
    // does not is killed (its pid in the lock then makes the lock stale).
    const ChildEnd end = reap_within(pid_, std::chrono::milliseconds(limits::dotlock_keeper_exit_millis));
    if (end.how != ChildEnd::How::exited)
        return make_error(ErrorKind::temporary,
                          "the dotlock keeper (pid " + std::to_string(pid_) + ") did not exit in time");
    return {};
}

DotlockKeeper::~DotlockKeeper() { (void)stop(); }

bool DotlockKeeper::ask(char request, void* reply, std::size_t size) {
    // One byte more than expected, so that a longer reply shows as wrong.
    unsigned char buf[sizeof(CreateReply) + 1];
    // A keeper that does not answer is the caller's error to report
    // (file_locks.cpp names it).
    if (size >= sizeof buf || !send_byte(fd_.get(), request) || recv_message(fd_.get(), buf, size + 1) != size)
        return false;
    std::memcpy(reply, buf, size);
    return true;
}

DotlockAttempt DotlockKeeper::create() {
    CreateReply reply;
    if (!ask(request_create, reply.data(), reply.size())) {
        DotlockAttempt unreachable;
        unreachable.code = L_ERROR;
        unreachable.error_number = EPIPE;
        return unreachable;
    }
    return decode(reply);
}

int DotlockKeeper::remove() {
    char reply = 1;
    return ask(request_remove, &reply, 1) && reply == 0 ? 0 : -1;
}

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
