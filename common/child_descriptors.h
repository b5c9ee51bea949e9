// What a child process finds on its descriptors, said explicitly: each
// numbered descriptor it is to have gets one of the parent's descriptors,
// /dev/null, or whatever the parent has on that number (stderr); every other
// descriptor is closed, so that nothing the parent holds (the client's
// connection, its sockets to the front and pop3d-auth, the configuration
// copy, the syslog socket) reaches a child by accident.
#pragma once

#include <array>

namespace pop3d {

// The descriptor a child that does one job (the dotlock keeper, the group
// lookup) talks to its parent on.
inline constexpr int kept_descriptor = 3;

class DescriptorMap {
public:
    // The child's numbers lie below this; the copies apply() makes on the
    // way lie at or above it.
    static constexpr int first_spare = 16;

    // The parent's descriptor `source` becomes the child's `target`.
    DescriptorMap& put(int target, int source);
    // /dev/null, read and write, on `target`.
    DescriptorMap& null(int target);
    // What the parent has on `target` stays there; nothing if it has none.
    DescriptorMap& inherit(int target);

    // /dev/null on 0, 1 and 2, and `keep` on kept_descriptor: the map of a
    // child that does one job.
    static DescriptorMap only(int keep);

    // In a freshly forked child, async-signal-safe: sets the descriptors up,
    // whatever numbers the sources have (a source may sit on another
    // entry's target). Every other descriptor is closed, or with
    // close_at_exec only marked close-on-exec, so that a descriptor the
    // caller moved to first_spare or above (an exec failure report) lives
    // until execve. False on failure (a map with too many or bad entries
    // too): the child must then _exit.
    bool apply(bool close_at_exec) const;

private:
    enum class Source { descriptor, dev_null, inherited };
    struct Entry {
        int target = -1;
        Source kind = Source::descriptor;
        int source = -1;
    };
    DescriptorMap& add(int target, Source kind, int source);

    static constexpr int max_entries = 6;
    std::array<Entry, max_entries> entries_{};
    int count_ = 0;
    bool bad_ = false;
};

}  // namespace pop3d
