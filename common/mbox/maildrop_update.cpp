// UPDATE (RFC 1939 section 6) for an mbox: decide what to keep, check that
// nobody changed what the session read, and let mbox::rewrite() make the
// file say so durably. Between open and here the file was not locked, so a
// delivery agent may have appended: those bytes lie past index.size and
// rewrite() keeps them.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/mbox/format/indexer.h"
#include "common/mbox/format/scan.h"
#include "common/mbox/mbox_maildrop.h"
#include "common/mbox/update/rewrite.h"

namespace pop3d::mbox {
namespace {

Error changed(const std::string& path, const std::string& why) {
    return make_error(ErrorKind::temporary, path + " changed during the session (" + why + ")");
}

// Whole messages, From_ line and separator included, merged where adjacent.
std::vector<Range> kept_ranges(const MessageIndex& index, const std::vector<bool>& deleted) {
    std::vector<Range> keep;
    for (std::size_t i = 0; i < index.messages.size(); ++i) {
        if (deleted[i]) continue;
        const std::uint64_t from = index.messages[i].from;
        const std::uint64_t length = index.extent_end(i) - from;
        if (!keep.empty() && keep.back().offset + keep.back().length == from)
            keep.back().length += length;
        else
            keep.push_back(Range{from, length});
    }
    return keep;
}

// The index of the file after the rewrite: the kept messages moved down
// over the removed ones, ids and sizes unchanged.
MessageIndex shifted_index(const MessageIndex& index, const std::vector<bool>& deleted) {
    MessageIndex out;
    std::uint64_t removed = 0;
    for (std::size_t i = 0; i < index.messages.size(); ++i) {
        const std::uint64_t extent = index.extent_end(i) - index.messages[i].from;
        if (deleted[i]) {
            removed += extent;
            continue;
        }
        IndexedMessage m = index.messages[i];
        m.from -= removed;
        m.body -= removed;
        m.end -= removed;
        out.add(m, index.uid(i));
    }
    out.size = index.size - removed;
    return out;
}

// The message number, before the deletions, of message `kept` (1-based)
// after them; 0-based.
std::size_t last_index_before(const std::vector<bool>& deleted, std::size_t kept) {
    std::size_t seen = 0;
    for (std::size_t i = 0; i < deleted.size(); ++i) {
        if (!deleted[i] && ++seen == kept) return i;
    }
    return 0;
}

}  // namespace

// The part the session read is unchanged when the file is the same inode,
// not shorter, and either untouched (same size and mtime) or, when it grew
// or was touched, still made of the same messages: the same boundaries and
// sizes and the same fingerprint of each message's sampled bytes.
Status MboxMaildrop::check_unchanged() {
    struct stat now, named;
    if (::fstat(m_.fd.get(), &now) != 0)
        return make_error(ErrorKind::temporary, "fstat " + m_.path + ": " + std::strerror(errno));
    if (::stat(m_.path.c_str(), &named) != 0 || named.st_ino != now.st_ino || named.st_dev != now.st_dev)
        return changed(m_.path, "the file was replaced");
    const std::uint64_t size = static_cast<std::uint64_t>(now.st_size);
    if (size < m_.index.size) return changed(m_.path, "the file shrank");
    if (size == m_.index.size && now.st_mtim.tv_sec == m_.identity.mtime_sec &&
        now.st_mtim.tv_nsec == m_.identity.mtime_nsec)
        return {};
    auto mapping = Mapping::map(m_.fd.get(), 0, m_.index.size);
    if (!mapping) return mapping.error();
    auto again = build_index(FileWindow{(*mapping)->data(), 0}, IndexOptions{unquotes_from(), false}, nullptr);
    if (!again || again->messages.size() != m_.index.messages.size())
        return changed(m_.path, "the messages read differ");
    for (std::size_t i = 0; i < m_.index.messages.size(); ++i) {
        const IndexedMessage& a = m_.index.messages[i];
        const IndexedMessage& b = again->messages[i];
        if (a.from != b.from || a.body != b.body || a.end != b.end || a.octets != b.octets ||
            a.fingerprint != b.fingerprint)
            return changed(m_.path, "message " + std::to_string(i + 1) + " differs");
    }
    return {};
}

Status MboxMaildrop::update(const std::vector<bool>& deleted, std::size_t last) {
    Status st = apply_update(deleted, last);
    m_.locks.reset();
    m_.fd = UniqueFd();
    m_.session_lock.reset();
    return st;
}

Status MboxMaildrop::apply_update(const std::vector<bool>& deleted, std::size_t last) {
    std::size_t last_kept = 0;  // LAST in the numbering after the deletions
    std::size_t any_deleted = 0;
    for (std::size_t i = 0; i < deleted.size(); ++i) {
        if (deleted[i]) ++any_deleted;
        else if (i < last) last_kept = i + 1 - any_deleted;
    }
    if (any_deleted == 0) {
        if (m_.saved_last != last_kept) save_index(last_kept, true);
        return {};
    }

    std::unique_ptr<FileLocks> taken;
    if (!m_.locks) {
        auto locks = FileLocks::take(m_.fd.get(), m_.path, m_.mail.locking, m_.mail.lock_timeout,
                                     m_.dotlock_keeper, m_.notes);
        if (!locks) return make_error(ErrorKind::temporary, m_.path + " at update: " + locks.error().message);
        taken = std::move(*locks);
        note_lock_wait(m_.notes, m_.path, "update", taken->wait());
    }
    if (auto st = check_unchanged(); !st) return st;
    // The state file describes the file as it is; after the rewrite its
    // offsets are wrong, and a crash (kill or power cut) may come between
    // the rewrite and the save of the new index below. So first, durably,
    // a state file with LAST and no index: the next open after such a crash
    // indexes the file anew and keeps LAST.
    if (!m_.state_path.empty()) {
        State interim;
        interim.mbox = m_.identity;
        interim.options = m_.options;
        if (last_kept > 0) interim.last_uid = std::string(m_.index.uid(last_index_before(deleted, last_kept)));
        m_.saved_last.reset();
        if (auto st = save_state(m_.state_path, interim, true, *io_); !st) {
            // A full disk: no state file at all is as safe, only LAST goes.
            if (auto gone = remove_state(m_.state_path, *io_); !gone)
                return make_error(gone.error().kind, "state file " + m_.state_path + ": " + gone.error().message);
        }
    }
    if (auto st = rewrite(m_.fd.get(), kept_ranges(m_.index, deleted), m_.index.size, m_.journal_path, *io_, m_.notes);
        !st)
        return make_error(st.error().kind, "rewriting " + m_.path + ": " + st.error().message);
    struct stat now;
    const bool known = ::fstat(m_.fd.get(), &now) == 0;
    const int fstat_errno = errno;
    // The mbox is done with; the state file below is the session's own.
    taken.reset();
    if (!known) {
        note(m_.notes, Note::Level::error, "mbox: fstat " + m_.path + " after update: " + std::strerror(fstat_errno));
        return {};  // the rewrite is durable; the next open rebuilds the index
    }
    m_.index = shifted_index(m_.index, deleted);
    m_.identity = MboxIdentity{static_cast<std::uint64_t>(now.st_dev), static_cast<std::uint64_t>(now.st_ino),
                               static_cast<std::int64_t>(now.st_mtim.tv_sec),
                               static_cast<std::int64_t>(now.st_mtim.tv_nsec)};
    save_index(last_kept, true);
    note(m_.notes, Note::Level::info, "mbox: " + m_.path + ": " + std::to_string(any_deleted) + " message(s) deleted");
    return {};
}

void MboxMaildrop::save_index(std::size_t last, bool durable) {
    if (m_.state_path.empty()) return;
    State state;
    state.mbox = m_.identity;
    state.options = m_.options;
    if (last > 0) state.last_uid = std::string(m_.index.uid(last - 1));
    state.index = m_.index;
    m_.saved_last.reset();
    if (auto st = save_state(m_.state_path, state, durable, *io_); !st)
        note(m_.notes, Note::Level::warning, "mbox: state file " + m_.state_path + " not saved: " + st.error().message);
    else if (durable)
        m_.saved_last = last;
}

}  // namespace pop3d::mbox
