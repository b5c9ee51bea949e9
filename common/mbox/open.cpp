#include "common/mbox/open.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/log.h"
#include "common/mbox/indexer.h"
#include "common/mbox/mbox_maildrop.h"
#include "common/mbox/rewrite.h"

namespace pop3d::mbox {
namespace {

Error failed(ErrorKind kind, const std::string& message) {
    log::error("mbox: %s", message.c_str());
    return make_error(kind, message);
}

MboxIdentity identity_of(const struct stat& st) {
    return MboxIdentity{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                        static_cast<std::int64_t>(st.st_mtim.tv_sec),
                        static_cast<std::int64_t>(st.st_mtim.tv_nsec)};
}

// The state directory is optional: when it cannot be made (no home), the
// session works without a state file, only slower.
std::string usable_state_dir(const std::string& dir) {
    if (dir.empty()) return dir;
    if (::mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST) {
        struct stat st;
        if (::lstat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == ::geteuid()) return dir;
    }
    log::warning("mbox: state directory %s unusable (%s); going on without a state file",
                 dir.c_str(), std::strerror(errno));
    return "";
}

// The earlier index, when the state file still describes a prefix of the
// file: same file, same options, not shrunk, unchanged if not grown, and
// every indexed offset still starts a message.
const MessageIndex* reusable(const std::optional<State>& state, const MboxIdentity& now,
                             std::uint32_t options, std::string_view data) {
    if (!state || state->options != options || state->mbox.dev != now.dev ||
        state->mbox.ino != now.ino || state->index.size > data.size())
        return nullptr;
    if (state->index.size == data.size() && !(state->mbox == now)) return nullptr;
    return prefix_still_valid(data, state->index) ? &state->index : nullptr;
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
    m.options = state_options(mail);
    const std::string state_dir = usable_state_dir(request.state_dir);
    if (!state_dir.empty()) {
        m.state_path = state_dir + "/mbox.state";
        m.journal_path = state_dir + "/rewrite.journal";
    }

    auto session = SessionLock::take(state_dir, m.path);
    if (!session) return failed(session.error().kind, m.path + ": " + session.error().message);
    m.session_lock = std::move(*session);

    m.fd = UniqueFd(::open(m.path.c_str(), O_RDWR | O_CLOEXEC));
    if (!m.fd) {
        if (errno == ENOENT) return std::unique_ptr<Maildrop>(new MboxMaildrop(std::move(m)));
        return failed(ErrorKind::temporary, "open " + m.path + ": " + std::strerror(errno));
    }
    struct stat st;
    if (::fstat(m.fd.get(), &st) != 0)
        return failed(ErrorKind::temporary, "fstat " + m.path + ": " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) return failed(ErrorKind::permanent, m.path + " is not a regular file");

    auto locks = FileLocks::take(m.fd.get(), m.path, mail.locking, mail.lock_timeout);
    if (!locks) return failed(locks.error().kind, locks.error().message);
    if (auto st_recover = recover(m.fd.get(), m.journal_path); !st_recover)
        return failed(st_recover.error().kind, "finishing an interrupted update of " + m.path + ": " +
                                                   st_recover.error().message);
    if (::fstat(m.fd.get(), &st) != 0)
        return failed(ErrorKind::temporary, "fstat " + m.path + ": " + std::strerror(errno));
    const std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
    if (mail.max_mailbox_bytes != 0 && size > mail.max_mailbox_bytes)
        return failed(ErrorKind::permanent, m.path + ": " + std::to_string(size) +
                                                " bytes, over max_mailbox_bytes");
    m.identity = identity_of(st);

    auto mapping = Mapping::map(m.fd.get(), size);
    if (!mapping) return failed(mapping.error().kind, m.path + ": " + mapping.error().message);
    const std::string_view data = (*mapping)->data();
    std::optional<State> state;
    if (!m.state_path.empty()) state = load_state(m.state_path);
    const MessageIndex* earlier = reusable(state, m.identity, m.options, data);
    const bool unchanged = earlier && earlier->size == size;
    auto index = build_index(data, IndexOptions{mail.mbox_format == MboxFormat::mboxrd,
                                                mail.uidl == UidlSource::x_uidl},
                             earlier);
    if (!index) return failed(index.error().kind, m.path + ": " + index.error().message);
    m.index = std::move(*index);
    if (mail.max_messages != 0 && m.index.messages.size() > mail.max_messages)
        return failed(ErrorKind::permanent, m.path + ": " + std::to_string(m.index.messages.size()) +
                                                " messages, over max_messages");
    m.initial_last = last_of(state, m.index);
    mapping->reset();
    if (mail.lock_session) m.locks = std::move(*locks);
    locks->reset();

    auto maildrop = std::make_unique<MboxMaildrop>(std::move(m));
    if (!unchanged) maildrop->save_index(maildrop->initial_last(), false);
    return std::unique_ptr<Maildrop>(std::move(maildrop));
}

}  // namespace pop3d::mbox
