// The Maildrop of an open mbox session: serves sizes, ids and message bytes
// from the index made at open, and performs UPDATE. Made by open_maildrop().
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/config.h"
#include "common/maildrop.h"
#include "common/mbox/format/file_view.h"
#include "common/mbox/format/message_index.h"
#include "common/mbox/locks/file_locks.h"
#include "common/mbox/locks/session_lock.h"
#include "common/mbox/state/state_file.h"

namespace pop3d::mbox {

class DotlockKeeper;

// Everything open_maildrop() established, handed over whole.
struct OpenMbox {
    std::unique_ptr<SessionLock> session_lock;
    UniqueFd fd;                        // invalid when the mbox file is absent
    std::unique_ptr<FileLocks> locks;   // held for the session only with lock_session
    std::string path;
    std::string state_path;             // empty: no state file
    std::string journal_path;           // empty: no state directory
    MailConfig mail;
    DotlockKeeper* dotlock_keeper = nullptr;  // see OpenRequest
    Notes* notes = nullptr;                   // see OpenRequest
    MessageIndex index;
    MboxIdentity identity;              // of the file when it was indexed
    std::uint32_t options = 0;          // state_options(mail)
    std::size_t initial_last = 0;
    // The LAST the state file already holds for this very index, so that a
    // QUIT without deletions does not write (and fsync) it again.
    std::optional<std::size_t> saved_last;
};

// The option bits an index depends on (sizes: format; ids: uidl source).
std::uint32_t state_options(const MailConfig& mail);

class MboxMaildrop final : public Maildrop {
public:
    explicit MboxMaildrop(OpenMbox open) : m_(std::move(open)) {}

    std::size_t count() const override { return m_.index.messages.size(); }
    std::uint64_t octets(std::size_t index) const override { return m_.index.messages[index].octets; }
    std::string_view unique_id(std::size_t index) const override { return m_.index.uid(index); }
    bool unquotes_from() const override { return m_.mail.mbox_format == MboxFormat::mboxrd; }
    Status read(std::size_t index, const ChunkSink& sink) override;
    std::size_t initial_last() const override { return m_.initial_last; }
    Status update(const std::vector<bool>& deleted, std::size_t last) override;

    // Writes the state file for the index as it stands, with LAST (a
    // message number of this session, 0 for none) recorded by id. At open
    // it need not be durable: a torn state file fails its checksum and is
    // rebuilt, so only UPDATE pays for fsync. Failure is only a note: the
    // state file is a cache.
    void save_index(std::size_t last, bool durable);

    // The calls UPDATE makes go through `io` (tests stop them at a chosen call).
    void use_io(RewriteIo& io) { io_ = &io; }

private:
    // maildrop_update.cpp
    Status apply_update(const std::vector<bool>& deleted, std::size_t last);
    Status check_unchanged();

    OpenMbox m_;
    RewriteIo* io_ = &system_io();
};

}  // namespace pop3d::mbox
