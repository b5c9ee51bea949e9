// The names of a maildrop's files in its state directory. Virtual users of
// a passwd-file may share one Unix owner, and so one state directory
// (%h/.pop3d): each maildrop gets files of its own, named by a hash of its
// path, so that one user's session or interrupted UPDATE never locks
// another out. Pure.
#pragma once

#include <string>

namespace pop3d::mbox {

struct StateNames {
    std::string session_lock;  // STATE_DIR/session-TAG.lock
    std::string state;         // STATE_DIR/mbox-TAG.state
    std::string journal;       // STATE_DIR/rewrite-TAG.journal
};

// TAG: 16 hex digits of BLAKE2b (libsodium) of mbox_path. Empty names for
// an empty state_dir.
StateNames state_names(const std::string& state_dir, const std::string& mbox_path);

}  // namespace pop3d::mbox
