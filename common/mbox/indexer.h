// Building the index of an mbox from its bytes (pure: a mapping in, an
// index or an error out), reusing a still-valid earlier index so that only
// new mail is read.
#pragma once

#include <string_view>

#include "common/mbox/message_index.h"
#include "common/result.h"

namespace pop3d::mbox {

struct IndexOptions {
    bool mboxrd = false;  // sizes drop one '>' of ^>+From  lines
    bool x_uidl = false;  // honour unique valid X-UIDL headers
};

// Indexes data (the whole file as read). `earlier` is an index of a prefix
// of the same file already checked by prefix_still_valid(), or null. Its
// messages except the last are kept as they are (ids included); scanning
// resumes at its last message, which new mail may have extended, and whose
// id is kept when it did not change. Fails with ErrorKind::permanent when
// the file does not start with a From_ line.
Result<MessageIndex> build_index(std::string_view data, const IndexOptions& options,
                                 const MessageIndex* earlier);

// Whether `earlier` still describes data's first earlier.size bytes, by the
// structure it recorded: every indexed offset still starts a message
// ("From " after an empty line) and the offsets are consistent. The caller
// has already compared inode, size and mtime.
bool prefix_still_valid(std::string_view data, const MessageIndex& earlier);

}  // namespace pop3d::mbox
