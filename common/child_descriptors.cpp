#include "common/child_descriptors.h"

#include <fcntl.h>
#include <unistd.h>

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

int DescriptorMap::plan(Plan& steps) const {
    if (bad_) return -1;
    // The copies go above every source and every target, so that no step
    // replaces a descriptor that is still to be copied.
    int base = first_spare;
    for (int i = 0; i < count_; ++i)
        if (entries_[static_cast<std::size_t>(i)].source >= base) base = entries_[static_cast<std::size_t>(i)].source + 1;
    int n = 0;
    bool present[max_entries] = {};
    for (int i = 0; i < count_; ++i) {
        const Entry& e = entries_[static_cast<std::size_t>(i)];
        // Nothing on an inherited number: it stays closed.
        if (e.kind == Source::inherited && ::fcntl(e.target, F_GETFD) < 0) continue;
        present[i] = true;
        if (e.kind == Source::dev_null)
            steps[static_cast<std::size_t>(n++)] = {DescriptorStep::Kind::open_null, -1, base + i};
        else
            steps[static_cast<std::size_t>(n++)] = {DescriptorStep::Kind::copy, e.source, base + i};
    }
    bool wanted[first_spare] = {};
    for (int i = 0; i < count_; ++i) {
        if (!present[i]) continue;
        const int target = entries_[static_cast<std::size_t>(i)].target;
        steps[static_cast<std::size_t>(n++)] = {DescriptorStep::Kind::copy, base + i, target};
        wanted[target] = true;
    }
    for (int fd = 0; fd < first_spare; ++fd)
        if (!wanted[fd]) steps[static_cast<std::size_t>(n++)] = {DescriptorStep::Kind::close, -1, fd};
    steps[static_cast<std::size_t>(n++)] = {DescriptorStep::Kind::close_from, -1, first_spare};
    return n;
}

bool DescriptorMap::apply() const {
    Plan steps;
    const int n = plan(steps);
    if (n < 0) return false;
    for (int i = 0; i < n; ++i) {
        const DescriptorStep& s = steps[static_cast<std::size_t>(i)];
        switch (s.kind) {
            case DescriptorStep::Kind::copy:
                if (::dup2(s.from, s.to) != s.to) return false;
                break;
            case DescriptorStep::Kind::open_null: {
                const int fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
                if (fd < 0 || (fd != s.to && ::dup2(fd, s.to) != s.to)) return false;
                if (fd != s.to) (void)::close(fd);
                break;
            }
            case DescriptorStep::Kind::close:
                // On Linux the descriptor is gone whatever close says
                // (EBADF: there was none).
                (void)::close(s.to);
                break;
            case DescriptorStep::Kind::close_from:
                if (::close_range(static_cast<unsigned>(s.to), ~0U, 0) != 0) return false;
                break;
        }
    }
    return true;
}

}  // namespace pop3d
