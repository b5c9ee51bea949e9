// Building the index of an mbox from its bytes (pure: a mapping in, an
// index or an error out), reusing a still-valid earlier index so that only
// new mail is read.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/mbox/format/message_index.h"
#include "common/result.h"

namespace pop3d::mbox {

struct IndexOptions {
    bool mboxrd = false;  // sizes drop one '>' of ^>+From  lines
    bool x_uidl = false;  // honour unique valid X-UIDL headers
};

// The bytes of the file from `offset` to its end (at first open, all of it;
// when an earlier index is reused, only from around its last message).
struct FileWindow {
    std::string_view bytes;
    std::uint64_t offset = 0;
    std::uint64_t file_size() const { return offset + bytes.size(); }
};

// Indexes the file. `earlier` is an index of a prefix of the same file whose
// structure the caller has checked (index_consistent, and offsets_to_check
// still starting messages), or null; then window.offset is at most the
// offset of its last message, else 0. The earlier index is taken over (moved
// from): its messages except the last are kept as they are (ids included); scanning resumes at its last message,
// which new mail may have extended, and whose id is kept when it did not
// change. Fails with ErrorKind::permanent when the file does not start with
// a From_ line.
Result<MessageIndex> build_index(FileWindow window, const IndexOptions& options,
                                 MessageIndex* earlier);

// Whether the offsets and sizes an index records are consistent in
// themselves (a state file that passed its checksum but lies is refused).
bool index_consistent(const MessageIndex& index);

// The offsets of an earlier index at which open checks that a message still
// starts: all of them for a small index; for a large one an even spread of
// limits::state_check_samples including the first and the last. Checking
// every one of 50,000 offsets would touch every page of the file, costing
// more than half of reading it; identity, size and mtime are compared first,
// the last message is scanned again anyway, and UPDATE checks the whole
// structure again under the locks before deleting anything.
std::vector<std::uint64_t> offsets_to_check(const MessageIndex& earlier);

}  // namespace pop3d::mbox
