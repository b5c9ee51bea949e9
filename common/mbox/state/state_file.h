// The per-user state file: a cache of the index of the mbox and the LAST
// mark (RFC 1460), so that reopening a large unchanged maildrop costs only
// the new mail. Never trusted over the mbox: the caller checks it against
// the file (identity, size, mtime, structure) and rebuilds when it is stale;
// a damaged file (bad checksum, bad lengths) parses as nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/mbox/format/message_index.h"
#include "common/mbox/update/rewrite.h"
#include "common/result.h"

namespace pop3d::mbox {

struct MboxIdentity {
    std::uint64_t dev = 0;
    std::uint64_t ino = 0;
    std::int64_t mtime_sec = 0;
    std::int64_t mtime_nsec = 0;
    bool operator==(const MboxIdentity&) const = default;
};

struct State {
    MboxIdentity mbox;       // the file as it was when `index` was made
    std::uint32_t options = 0;  // mbox_format and uidl, as bits: an index is per options
    std::string last_uid;    // id of the highest message accessed; empty: none
    MessageIndex index;
};

// Pure: bytes <-> State. The encoding ends with a BLAKE2b checksum.
std::string serialize_state(const State& state);
std::optional<State> parse_state(std::string_view bytes);

// I/O. load: nullopt when the file is absent, unreadable or damaged (the
// caller then rebuilds). save: temp file, mode 0600, renamed over the old
// one; durable: fsync of the file before the rename (so a power cut leaves
// the old file or the whole new one, never a short one under the name) and
// of the directory after. Its calls go through `io`, like UPDATE's, so the
// crash harness checks them too.
std::optional<State> load_state(const std::string& path);
Status save_state(const std::string& path, const State& state, bool durable,
                  RewriteIo& io = system_io());
// Removes the state file durably (the directory is fsynced); absent is fine.
Status remove_state(const std::string& path, RewriteIo& io = system_io());

}  // namespace pop3d::mbox
