#include "common/child_descriptors.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace pop3d {

DescriptorMap& DescriptorMap::add(int target, Source kind, int source) {
    bool taken = false;
    for (int i = 0; i < count_; ++i) taken = taken || entries_[static_cast<std::size_t>(i)].target == target;
    if (taken || count_ == max_entries || target < 0 || target >= first_spare ||
        (kind == Source::descriptor && source < 0)) {
        bad_ = true;
        return *this;
    }
    entries_[static_cast<std::size_t>(count_++)] = Entry{target, kind, source};
    return *this;
}

DescriptorMap& DescriptorMap::put(int target, int source) { return add(target, Source::descriptor, source); }
DescriptorMap& DescriptorMap::null(int target) { return add(target, Source::dev_null, -1); }
DescriptorMap& DescriptorMap::inherit(int target) { return add(target, Source::inherited, target); }

DescriptorMap DescriptorMap::only(int keep) {
    DescriptorMap map;
    map.null(0).null(1).null(2).put(kept_descriptor, keep);
    return map;
}

bool DescriptorMap::apply(bool close_at_exec) const {
    if (bad_) return false;
    // Every source is first copied to first_spare or above, so that no dup2
    // below replaces a descriptor that is still to be moved (/dev/null may
    // open as 3, a source may sit on 0).
    int copies[max_entries];
    int null = -1;
    for (int i = 0; i < count_; ++i) {
        const Entry& e = entries_[static_cast<std::size_t>(i)];
        int from = e.source;
        if (e.kind == Source::dev_null) {
            if (null < 0) {
                const int opened = ::open("/dev/null", O_RDWR | O_CLOEXEC);
                if (opened < 0) return false;
                null = ::fcntl(opened, F_DUPFD_CLOEXEC, first_spare);
                if (null < 0) return false;
            }
            from = null;
        }
        copies[i] = ::fcntl(from, F_DUPFD_CLOEXEC, first_spare);
        // Nothing on an inherited number: it stays closed.
        if (copies[i] < 0 && !(e.kind == Source::inherited && errno == EBADF)) return false;
    }
    // dup2 clears close-on-exec on what it makes: the child keeps these
    // across an exec.
    bool wanted[first_spare] = {};
    for (int i = 0; i < count_; ++i) {
        const int target = entries_[static_cast<std::size_t>(i)].target;
        if (copies[i] < 0) continue;
        if (::dup2(copies[i], target) != target) return false;
        wanted[target] = true;
    }
    for (int fd = 0; fd < first_spare; ++fd) {
        if (wanted[fd]) continue;
        if (close_at_exec) {
            if (::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 && errno != EBADF) return false;
        } else {
            // On Linux the descriptor is gone whatever close says (EBADF:
            // there was none).
            (void)::close(fd);
        }
    }
    return ::close_range(first_spare, ~0U, close_at_exec ? CLOSE_RANGE_CLOEXEC : 0) == 0;
}

}  // namespace pop3d
