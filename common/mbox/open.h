// Opening a user's mbox maildrop for a POP3 session (the contract between the
// session process and the mbox engine). Called after the session has become
// the mailbox owner (setuid done): every file access here is the user's own.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/config.h"
#include "common/maildrop.h"
#include "common/mbox/notes.h"
#include "common/result.h"

namespace pop3d::mbox {

class DotlockKeeper;

struct OpenRequest {
    std::string mbox_path;   // expanded [mail] maildrop
    std::string state_dir;   // expanded [mail] state_dir; empty: no state file
    const MailConfig* mail = nullptr;
    // Makes the dotlock where the session cannot (locks/dotlock_keeper.h); must
    // outlive the maildrop. Null: the session makes it through liblockfile.
    DotlockKeeper* dotlock_keeper = nullptr;
    // Keys the session lock's name when there is no state directory
    // (locks/session_lock.h); empty: an unkeyed name (single-user mode).
    std::string_view lock_key{};
    // Where the maildrop puts what its caller should log (notes.h), from
    // open to its end; must outlive the maildrop. Null: nobody logs them.
    Notes* notes = nullptr;
};

// Takes the session lock (a second session gets ErrorKind::in_use; the lock
// vanishes when the process dies), takes the file locks for reading, finishes
// an interrupted UPDATE, indexes the file (only what is new when the state
// file is valid), releases the file locks (unless lock_session) and returns
// the maildrop. Errors: in_use (another session, or lock_timeout passed),
// permanent (not an mbox, over max_messages / max_mailbox_bytes), temporary
// (I/O). The returned object holds the session lock until it is destroyed.
// Logs nothing: what the caller should log goes to request.notes.
Result<std::unique_ptr<Maildrop>> open_maildrop(const OpenRequest& request);

}  // namespace pop3d::mbox
