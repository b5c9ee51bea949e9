#include "sessiond/front_filter.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <seccomp.h>
#include <sys/resource.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "common/log.h"
#include "common/sanitizer_report.h"

namespace pop3d::session {
namespace {

// What the front was seen to use (strace of a plaintext session), what a
// TLS front needs besides (OpenSSL in this process: the front then stays as
// the relay between the client and the session after login), and the
// neighbours glibc may pick instead (poll vs ppoll, nanosleep vs
// clock_nanosleep).
constexpr int allowed[] = {
    // the client's connection (fds 0 and 1), the socketpair to the monitor
    // (fd 3), and for TLS the relay's socketpair to the session (fd 4) and
    // the pipe that reports a client under the send rate floor (fd 5): bytes in
    // and out, waits bounded by the autologout, non-blocking flags
    SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev), SCMP_SYS(recvfrom),
    SCMP_SYS(recvmsg), SCMP_SYS(sendto), SCMP_SYS(sendmsg), SCMP_SYS(poll), SCMP_SYS(ppoll),
    SCMP_SYS(select), SCMP_SYS(pselect6), SCMP_SYS(fcntl), SCMP_SYS(shutdown), SCMP_SYS(close),
    SCMP_SYS(getsockopt), SCMP_SYS(setsockopt), SCMP_SYS(getsockname), SCMP_SYS(getpeername),
    // FIONREAD and the like on those sockets (OpenSSL, the relay)
    SCMP_SYS(ioctl),
    // syslog on the socket opened before the sandbox; its time stamp reads
    // the time zone (in the empty chroot: not found) and fstat's stdio
    SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(lseek),
    // memory: the line buffers, and OpenSSL's allocations for a TLS session
    SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(mprotect),
    SCMP_SYS(madvise),
    // randomness (OpenSSL's DRBG seeds from getrandom), time (the autologout,
    // TLS record and ticket times, syslog's time stamp)
    SCMP_SYS(getrandom), SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(time),
    SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep), SCMP_SYS(restart_syscall),
    // the C library's own housekeeping, and the end
    SCMP_SYS(futex), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigaction),
    SCMP_SYS(sched_yield), SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getuid), SCMP_SYS(geteuid),
    SCMP_SYS(getgid), SCMP_SYS(getegid), SCMP_SYS(getppid), SCMP_SYS(uname), SCMP_SYS(exit),
    SCMP_SYS(exit_group),
};

Error seccomp_error(const char* what, int rc) {
    return make_error(ErrorKind::permanent, std::string("front sandbox: ") + what + ": " + std::strerror(-rc));
}

Error sys_error(const std::string& what) {
    return make_error(ErrorKind::permanent, "front sandbox: " + what + ": " + std::strerror(errno));
}

// One more than the highest descriptor open now.
Result<rlim_t> descriptors_in_use() {
    std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir("/proc/self/fd"), closedir);
    if (!dir) {
        // In the chroot there is no /proc: one poll over the first 1024
        // descriptors (fewer if RLIMIT_NOFILE is lower) answers POLLNVAL
        // for each closed one; probing each with fcntl cost a thousand
        // system calls per connection.
        std::array<pollfd, 1024> probe{};
        struct rlimit lim {};
        if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return sys_error("getrlimit");
        const std::size_t count = lim.rlim_cur < probe.size() ? static_cast<std::size_t>(lim.rlim_cur) : probe.size();
        for (std::size_t fd = 0; fd < count; ++fd) probe[fd] = {static_cast<int>(fd), 0, 0};
        int ready;
        do {
            ready = poll(probe.data(), count, 0);
        } while (ready < 0 && errno == EINTR);
        if (ready < 0) return sys_error("poll");
        rlim_t highest = 0;
        for (std::size_t fd = 0; fd < count; ++fd)
            if (!(probe[fd].revents & POLLNVAL)) highest = static_cast<rlim_t>(fd) + 1;
        return highest;
    }
    const int own = dirfd(dir.get());
    rlim_t highest = 0;
    while (dirent* e = readdir(dir.get())) {
        char* end = nullptr;
        long fd = std::strtol(e->d_name, &end, 10);
        if (*e->d_name == '\0' || *end != '\0' || fd == own) continue;
        if (static_cast<rlim_t>(fd) + 1 > highest) highest = static_cast<rlim_t>(fd) + 1;
    }
    return highest;
}

Status set_limit(int resource, rlim_t value, const char* name) {
    struct rlimit lim {value, value};
    if (setrlimit(resource, &lim) != 0) return sys_error(name);
    return {};
}

}  // namespace

Status enter_front_sandbox() {
    auto in_use = descriptors_in_use();
    if (!in_use) return in_use.error();
    // One more than in use, so the limit never cuts a descriptor the front
    // has: the TLS relay's socketpair (fd 4) is among those in use already.
    if (auto st = set_limit(RLIMIT_NOFILE, *in_use + 1, "RLIMIT_NOFILE"); !st) return st;
    if (auto st = set_limit(RLIMIT_FSIZE, sanitizer::file_size_limit(), "RLIMIT_FSIZE"); !st) return st;
    if (auto st = set_limit(RLIMIT_NPROC, 0, "RLIMIT_NPROC"); !st) return st;

    std::unique_ptr<void, decltype(&seccomp_release)> ctx(seccomp_init(SCMP_ACT_KILL_PROCESS), seccomp_release);
    if (!ctx) return make_error(ErrorKind::permanent, "front sandbox: seccomp_init failed");
    if (int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2); rc != 0)
        log::debug("seccomp: no binary-tree filter (%s); using a linear one", std::strerror(-rc));
    for (int nr : allowed)
        if (int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, nr, 0); rc != 0)
            return seccomp_error("seccomp_rule_add", rc);
    if (int rc = sanitizer::allow_runtime_calls(ctx.get()); rc != 0) return seccomp_error("seccomp_rule_add", rc);
    // The time zone file syslog's time stamp looks for: read-only opens only
    // (the chroot is empty, so they find nothing; RLIMIT_NOFILE leaves no
    // descriptor for them anyway).
    constexpr scmp_datum_t write_flags = O_ACCMODE | O_CREAT | O_TRUNC;
    if (int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
                                  SCMP_A2(SCMP_CMP_MASKED_EQ, write_flags, O_RDONLY));
        rc != 0)
        return seccomp_error("seccomp_rule_add", rc);
    // Everything else, socket() and kill() first among them, kills.
    if (int rc = seccomp_load(ctx.get()); rc != 0) return seccomp_error("seccomp_load", rc);
    return {};
}

}  // namespace pop3d::session
