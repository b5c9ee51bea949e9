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

// One step of setting a child's descriptors up; a map becomes a list of
// them, run in order, by system calls in a forked child or as posix_spawn
// file actions.
struct DescriptorStep {
    enum class Kind : unsigned char { copy, open_null, close, close_from };
    Kind kind = Kind::close;
    int from = -1;  // copy: the descriptor copied
    int to = -1;    // copy, open_null: the number it lands on; close: the one
                    // closed; close_from: the first of those closed
};

class DescriptorMap {
public:
    // The child's numbers lie below this; every other descriptor is closed.
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

    static constexpr int max_entries = 6;
    static constexpr int max_steps = 2 * max_entries + first_spare + 1;
    using Plan = std::array<DescriptorStep, max_steps>;

    // The steps that set the map up, whatever numbers the sources have (a
    // source may sit on another entry's target: every source is first copied
    // above all of them). Returns how many, or -1 for a map with too many
    // or bad entries. Async-signal-safe: it only asks fcntl whether an
    // inherited number is open in this process.
    int plan(Plan& steps) const;

    // In a freshly forked child, async-signal-safe: runs plan() with system
    // calls. False on failure: the child must then _exit.
    bool apply() const;

private:
    enum class Source { descriptor, dev_null, inherited };
    struct Entry {
        int target = -1;
        Source kind = Source::descriptor;
        int source = -1;
    };
    DescriptorMap& add(int target, Source kind, int source);

    std::array<Entry, max_entries> entries_{};
    int count_ = 0;
    bool bad_ = false;
};

}  // namespace pop3d
