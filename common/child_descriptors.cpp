#include "common/child_descriptors.h"

#include <fcntl.h>
#include <syslog.h>
#include <unistd.h>

namespace pop3d {

bool keep_only_descriptor(int keep) {
    // glibc's syslog socket is one of the descriptors: forgotten through
    // closelog, or a later syslog() (an NSS module's, say) would send to
    // whatever took its number, and on failure close it.
    ::closelog();
    const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0) return false;
    // Copies above the numbers being filled first, so that no dup2 below
    // replaces a descriptor that is still to be moved (/dev/null may have
    // opened as 3, `keep` may be 0).
    const int high_keep = ::fcntl(keep, F_DUPFD_CLOEXEC, 10);
    const int high_null = ::fcntl(null, F_DUPFD_CLOEXEC, 10);
    if (high_keep < 0 || high_null < 0) return false;
    for (int fd = 0; fd <= 2; ++fd)
        if (::dup2(high_null, fd) < 0) return false;
    if (::dup2(high_keep, kept_descriptor) < 0) return false;
    return ::close_range(kept_descriptor + 1, ~0U, 0) == 0;
}

}  // namespace pop3d
