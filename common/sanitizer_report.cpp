#include "common/sanitizer_report.h"

#ifdef POP3D_SANITIZED
#include <fcntl.h>
#include <seccomp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

extern "C" void __sanitizer_set_report_fd(void* fd);
#endif

namespace pop3d::sanitizer {

#ifdef POP3D_SANITIZED
void report_to_own_file(const char* name) {
    const std::string path = std::string(POP3D_SANITIZER_REPORT_DIR) + "/" + name;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
    if (fd < 0) {
        std::fprintf(stderr, "%s: sanitizer reports stay on stderr: %s: %s\n", name, path.c_str(),
                     std::strerror(errno));
        return;
    }
    // The descriptor stays open for the life of the process: the runtime
    // writes to it on a report.
    __sanitizer_set_report_fd(reinterpret_cast<void*>(static_cast<std::intptr_t>(fd)));
}

int allow_runtime_calls(scmp_filter_ctx ctx) {
    // Found by tests/common/sanitizer_report_test.cpp and
    // tests/authd/syscall_filter_test.cpp, which run under the filters:
    // - The runtime reads /proc/self/maps through open(2), not openat(2), to
    //   describe a faulting address: read-only, as the filters allow openat
    //   (in the front's chroot it finds no /proc).
    // - Before every call of a function that does not return (_exit, a
    //   throw) the instrumentation asks for the signal stack's bounds:
    //   sigaltstack(NULL, &old), which only reads.
    constexpr scmp_datum_t write_flags = O_ACCMODE | O_CREAT | O_TRUNC;
    int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(open), 1, SCMP_A1(SCMP_CMP_MASKED_EQ, write_flags, O_RDONLY));
    if (rc == 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sigaltstack), 1, SCMP_A0(SCMP_CMP_EQ, 0, 0));
    return rc;
}

unsigned long file_size_limit() { return 1UL << 20; }
#else
void report_to_own_file(const char*) {}
int allow_runtime_calls(scmp_filter_ctx) { return 0; }
unsigned long file_size_limit() { return 0; }
#endif

}  // namespace pop3d::sanitizer
