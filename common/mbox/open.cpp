#include "common/mbox/open.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/fd_io.h"
#include "common/mbox/format/indexer.h"
#include "common/mbox/format/scan.h"
#include "common/mbox/mbox_maildrop.h"
#include "common/mbox/state/state_names.h"
#include "common/mbox/update/rewrite.h"

namespace pop3d::mbox {
namespace {

MboxIdentity identity_of(const struct stat& st) {
    return MboxIdentity{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                        static_cast<std::int64_t>(st.st_mtim.tv_sec),
                        static_cast<std::int64_t>(st.st_mtim.tv_nsec)};
}

// The state directory is optional: when it cannot be made (no home), the
// session works without a state file, only slower.
std::string usable_state_dir(const std::string& dir, Notes* notes) {
    if (dir.empty()) return dir;
    if (::mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST) {
        struct stat st;
        if (::lstat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == ::geteuid()) return dir;
    }
    const int e = errno;
    note(notes, Note::Level::warning,
         "mbox: state directory " + dir + " unusable (" + std::strerror(e) + "); going on without a state file");
    return "";
}

// Whether a message still starts at `at`: the few bytes around it, read
// without mapping the file (see offsets_to_check for why not all offsets).
bool message_starts_at(int fd, std::uint64_t at) {
    const std::uint64_t before = std::min<std::uint64_t>(at, 3);
    char bytes[8];
    // A read error reads as no message start: the mbox is indexed again.
    auto got = pread_up_to(fd, bytes, sizeof bytes, static_cast<off_t>(at - before));
    return starts_message(std::string_view(bytes, got ? *got : 0), before);
}

// The earlier index, when the state file still describes a prefix of the
// file: same file, same options, not shrunk, unchanged if not grown, and
// messages still starting where it says.
MessageIndex* reusable(std::optional<State>& state, const MboxIdentity& now,
                             std::uint32_t options, std::uint64_t size, int fd) {
    if (!state || state->options != options || state->mbox.dev != now.dev ||
        state->mbox.ino != now.ino || state->index.size > size)
        return nullptr;
    if (state->index.size == size && !(state->mbox == now)) return nullptr;
    if (!index_consistent(state->index)) return nullptr;
    for (std::uint64_t at : offsets_to_check(state->index))
        if (!message_starts_at(fd, at)) return nullptr;
    return &state->index;
}

std::size_t last_of(const std::optional<State>& state, const MessageIndex& index) {
    if (!state || state->last_uid.empty()) return 0;
    for (std::size_t i = 0; i < index.messages.size(); ++i)
        if (index.uid(i) == state->last_uid) return i + 1;
    return 0;
}

}  // namespace

Result<std::unique_ptr<Maildrop>> open_maildrop(const OpenRequest& request) {
    const MailConfig& mail = *request.mail;
    OpenMbox m;
    m.path = request.mbox_path;
    m.mail = mail;
    m.dotlock_keeper = request.dotlock_keeper;
    m.notes = request.notes;
    m.options = state_options(mail);
    const std::string state_dir = usable_state_dir(request.state_dir, m.notes);
    const StateNames names = state_names(state_dir, m.path);
    m.state_path = names.state;
    m.journal_path = names.journal;

    auto session = SessionLock::take(names.session_lock, m.path, request.lock_key);
    if (!session) return make_error(session.error().kind, m.path + ": " + session.error().message);
    m.session_lock = std::move(*session);

    m.fd = UniqueFd(::open(m.path.c_str(), O_RDWR | O_CLOEXEC));
    if (!m.fd.valid()) {
        const int e = errno;
        if (e == ENOENT) return std::unique_ptr<Maildrop>(new MboxMaildrop(std::move(m)));
        // Permissions are for an administrator to fix; anything else may pass.
        return make_error(e == EACCES || e == EPERM || e == EISDIR ? ErrorKind::permanent : ErrorKind::temporary,
                          "open " + m.path + ": " + std::strerror(e));
    }
    struct stat st;
    if (::fstat(m.fd.get(), &st) != 0)
        return make_error(ErrorKind::temporary, "fstat " + m.path + ": " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) return make_error(ErrorKind::permanent, m.path + " is not a regular file");

    // The state file is ours alone (the session lock): read it before the
    // mbox locks, which are held only while the mbox itself is read.
    std::optional<State> state;
    if (!m.state_path.empty()) state = load_state(m.state_path);

    auto locks = FileLocks::take(m.fd.get(), m.path, mail.locking, mail.lock_timeout, m.dotlock_keeper, m.notes);
    if (!locks) return make_error(locks.error().kind, locks.error().message);
    note_lock_wait(m.notes, m.path, "open", (*locks)->wait());
    if (auto st_recover = recover(m.fd.get(), m.journal_path, system_io(), m.notes); !st_recover)
        return make_error(st_recover.error().kind, "finishing an interrupted update of " + m.path + ": " +
                                                       st_recover.error().message);
    if (::fstat(m.fd.get(), &st) != 0)
        return make_error(ErrorKind::temporary, "fstat " + m.path + ": " + std::strerror(errno));
    const std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
    if (mail.max_mailbox_bytes != 0 && size > mail.max_mailbox_bytes)
        return make_error(ErrorKind::permanent, m.path + ": " + std::to_string(size) +
                                                    " bytes, over max_mailbox_bytes");
    m.identity = identity_of(st);

    MessageIndex* earlier = reusable(state, m.identity, m.options, size, m.fd.get());
    const bool unchanged = earlier && earlier->size == size;
    // With a valid earlier index only its last message and the new mail are read.
    const std::uint64_t window = earlier && !earlier->messages.empty() ? earlier->messages.back().from : 0;
    auto mapping = Mapping::map(m.fd.get(), window, size);
    if (!mapping) return make_error(mapping.error().kind, m.path + ": " + mapping.error().message);
    auto index = build_index(FileWindow{(*mapping)->data(), (*mapping)->offset()},
                             IndexOptions{mail.mbox_format == MboxFormat::mboxrd, mail.uidl == UidlSource::x_uidl},
                             earlier);
    if (!index) return make_error(index.error().kind, m.path + ": " + index.error().message);
    m.index = std::move(*index);
    if (mail.max_messages != 0 && m.index.messages.size() > mail.max_messages)
        return make_error(ErrorKind::permanent, m.path + ": " + std::to_string(m.index.messages.size()) +
                                                    " messages, over max_messages");
    m.initial_last = last_of(state, m.index);
    if (unchanged) m.saved_last = m.initial_last;
    mapping->reset();
    if (mail.lock_session) m.locks = std::move(*locks);
    locks->reset();

    auto maildrop = std::make_unique<MboxMaildrop>(std::move(m));
    if (!unchanged) maildrop->save_index(maildrop->initial_last(), false);
    return std::unique_ptr<Maildrop>(std::move(maildrop));
}

}  // namespace pop3d::mbox
