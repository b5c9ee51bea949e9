#include "sessiond/session_filter.h"

#include <seccomp.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

namespace pop3d::session {
namespace {

// What a session never calls: each only serves an attacker.
constexpr int killed[] = {
    SCMP_SYS(execve), SCMP_SYS(execveat),                                       // run another program
    SCMP_SYS(ptrace), SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),  // other processes' memory
    SCMP_SYS(bpf), SCMP_SYS(perf_event_open), SCMP_SYS(userfaultfd),            // kernel attack surface
    SCMP_SYS(keyctl), SCMP_SYS(add_key), SCMP_SYS(request_key),
};

Error seccomp_error(const char* what, int rc) {
    return make_error(ErrorKind::permanent, std::string("session filter: ") + what + ": " + std::strerror(-rc));
}

}  // namespace

Status enter_session_filter() {
    std::unique_ptr<void, decltype(&seccomp_release)> ctx(seccomp_init(SCMP_ACT_ALLOW), seccomp_release);
    if (!ctx) return make_error(ErrorKind::permanent, "session filter: seccomp_init failed");
    for (int nr : killed)
        if (int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_KILL_PROCESS, nr, 0); rc != 0)
            return seccomp_error("seccomp_rule_add", rc);
    if (int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 0); rc != 0)
        return seccomp_error("seccomp_rule_add", rc);
    if (int rc = seccomp_load(ctx.get()); rc != 0) return seccomp_error("seccomp_load", rc);
    return {};
}

}  // namespace pop3d::session
