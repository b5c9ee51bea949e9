// What the mbox engine has to tell that is not a failure of the call: a
// long wait for the locks, a state file not saved, an interrupted update
// finished, a lock not released. The engine logs nothing itself (it runs
// inside a session that knows more: the user, the client); it appends a
// note, and the session logs each note once (sessiond/mbox_notes.h).
// A failure of the call is its Error, never a note as well.
#pragma once

#include <string>
#include <vector>

namespace pop3d::mbox {

struct Note {
    enum class Level { debug, info, notice, warning, error };
    Level level;
    std::string text;  // the whole log line, as written
};

using Notes = std::vector<Note>;

// Appends to `notes` when there is a list to append to: the engine's own
// unit tests may pass none.
inline void note(Notes* notes, Note::Level level, std::string text) {
    if (notes) notes->push_back(Note{level, std::move(text)});
}

}  // namespace pop3d::mbox
