// The session's log of what the mbox engine had to tell (common/mbox/notes.h):
// the engine only collects notes, the session writes each one once.
#pragma once

#include "common/mbox/notes.h"

namespace pop3d::session {

// Logs every note at its level, as written, and empties the list.
void log_mbox_notes(mbox::Notes& notes);

}  // namespace pop3d::session
