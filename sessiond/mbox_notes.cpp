#include "sessiond/mbox_notes.h"

#include "common/log.h"

namespace pop3d::session {

void log_mbox_notes(mbox::Notes& notes) {
    for (const mbox::Note& n : notes) {
        const char* text = n.text.c_str();
        switch (n.level) {
            case mbox::Note::Level::debug: log::debug("%s", text); break;
            case mbox::Note::Level::info: log::info("%s", text); break;
            case mbox::Note::Level::notice: log::notice("%s", text); break;
            case mbox::Note::Level::warning: log::warning("%s", text); break;
            case mbox::Note::Level::error: log::error("%s", text); break;
        }
    }
    notes.clear();
}

}  // namespace pop3d::session
