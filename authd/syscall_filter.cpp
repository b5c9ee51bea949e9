#include "authd/syscall_filter.h"

#include <fcntl.h>
#include <seccomp.h>

#include <cstring>
#include <memory>

#include "common/log.h"
#include "common/sanitizer_report.h"

namespace pop3d::authd {
namespace {

// What the request loop was seen to use (strace of the real helper), plus
// the neighbours glibc may pick instead (stat vs newfstatat, nanosleep vs
// clock_nanosleep) and what NSS needs to load a module or ask nscd/sssd
// over a Unix socket.
constexpr int allowed[] = {
    // the socket to the monitor, syslog, NSS daemons
    SCMP_SYS(recvfrom), SCMP_SYS(recvmsg), SCMP_SYS(sendto), SCMP_SYS(sendmsg), SCMP_SYS(connect),
    SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(select), SCMP_SYS(pselect6), SCMP_SYS(shutdown),
    SCMP_SYS(getsockopt), SCMP_SYS(setsockopt), SCMP_SYS(getsockname), SCMP_SYS(getpeername),
    // nss-systemd's varlink client (not exercised where systemd is not running)
    SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl), SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait),
    SCMP_SYS(eventfd2), SCMP_SYS(pipe2), SCMP_SYS(dup), SCMP_SYS(dup3), SCMP_SYS(fstatfs), SCMP_SYS(statfs),
    SCMP_SYS(rt_sigaction), SCMP_SYS(prlimit64), SCMP_SYS(getrlimit), SCMP_SYS(clock_getres), SCMP_SYS(getppid),
    // users_file, apop_file, /etc/passwd, /etc/shadow, NSS modules (open
    // and openat only read-only: below)
    SCMP_SYS(close), SCMP_SYS(read), SCMP_SYS(pread64), SCMP_SYS(write),
    SCMP_SYS(writev), SCMP_SYS(lseek), SCMP_SYS(fstat), SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(newfstatat),
    SCMP_SYS(statx), SCMP_SYS(readlink), SCMP_SYS(readlinkat), SCMP_SYS(access), SCMP_SYS(faccessat),
    SCMP_SYS(faccessat2), SCMP_SYS(fcntl), SCMP_SYS(getdents64), SCMP_SYS(flock),
    // memory: argon2id takes 64 MiB per check
    SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(mprotect), SCMP_SYS(madvise),
    // randomness, time, the failure delay
    SCMP_SYS(getrandom), SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(time),
    SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep), SCMP_SYS(restart_syscall),
    // the C library's own housekeeping
    SCMP_SYS(futex), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn), SCMP_SYS(sched_yield), SCMP_SYS(getpid),
    SCMP_SYS(gettid), SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getegid),
    SCMP_SYS(uname), SCMP_SYS(exit), SCMP_SYS(exit_group),
};

}  // namespace

Status install_syscall_filter() {
    std::unique_ptr<void, decltype(&seccomp_release)> ctx(seccomp_init(SCMP_ACT_KILL_PROCESS), seccomp_release);
    if (!ctx) return make_error(ErrorKind::permanent, "seccomp_init failed");
    // A binary search over the syscall numbers instead of a linear list: the
    // filter runs at every system call (NSS reads files line by line), and
    // the list cost about 2% of the CPU of a login (`make bench`, M1). Only speed:
    // a libseccomp without it (before 2.5) gets the same rules as a list.
    if (int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2); rc != 0)
        log::notice("seccomp: no binary-tree filter (%s); using a linear one", std::strerror(-rc));
    for (int nr : allowed) {
        int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, nr, 0);
        if (rc != 0) return make_error(ErrorKind::permanent, std::string("seccomp_rule_add: ") + std::strerror(-rc));
    }
    // Files are opened read-only: nothing pop3d-auth reads may be written,
    // created or truncated by it, so a helper taken over cannot plant
    // entries in the account files that outlive it. Any other open kills it.
    constexpr scmp_datum_t write_flags = O_ACCMODE | O_CREAT | O_TRUNC;
    int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
                              SCMP_A2(SCMP_CMP_MASKED_EQ, write_flags, O_RDONLY));
    if (rc == 0)
        rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, SCMP_SYS(open), 1,
                              SCMP_A1(SCMP_CMP_MASKED_EQ, write_flags, O_RDONLY));
    // No new socket at all: the syslog socket is open already (log::init
    // uses LOG_NDELAY), and the monitor's is fd 3. glibc asks nscd (and
    // nss-systemd its varlink service) through a fresh socket on every
    // lookup, so socket() fails with EACCES instead of killing: the lookup
    // then reads the files, as it does where no such daemon runs.
    if (rc == 0) rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 0);
    if (rc == 0) rc = sanitizer::allow_runtime_calls(ctx.get());
    if (rc != 0) return make_error(ErrorKind::permanent, std::string("seccomp_rule_add: ") + std::strerror(-rc));
    rc = seccomp_load(ctx.get());
    if (rc != 0) return make_error(ErrorKind::permanent, std::string("seccomp_load: ") + std::strerror(-rc));
    return {};
}

}  // namespace pop3d::authd
