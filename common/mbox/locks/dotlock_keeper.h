// Why this exists: Debian's mail spool (/var/mail, root:mail 2775) is not
// writable by users, so MBOX.lock is normally made by liblockfile's setgid
// helper dotlockfile. But the session runs with no_new_privs (become_owner), which
// disarms every setgid bit, so that helper cannot work for it, and the
// session must not keep the mail group itself.
//
// The keeper is what dotlockfile would be, as a process instead of a setgid
// binary: forked by the monitor (still root) just before it becomes the
// mailbox owner, it runs as the owner with the spool's group and nothing
// else (no supplementary groups, no capabilities, no_new_privs, not dumpable
// so the session cannot ptrace it, no core), and does exactly two things for
// exactly one path fixed at start: create and remove that dotlock, by
// liblockfile's rules, and tell what it found (the holder of a live lock, a
// stale lock it removed) so that the session can log it. A user can already
// lock their own mailbox with dotlockfile; the keeper grants no more than
// that. When the session goes away (even by SIGKILL), the keeper sees
// end-of-file, removes a lock it still holds and exits; if the keeper itself
// dies, its pid in the lock makes the lock stale by liblockfile's rules.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>

#include "common/mbox/locks/dotlock.h"
#include "common/result.h"
#include "common/unique_fd.h"

namespace pop3d::mbox {

class DotlockKeeper {
public:
    // Forks the keeper; the caller must be root. lock_path is MBOX.lock.
    static Result<std::unique_ptr<DotlockKeeper>> start(const std::string& lock_path, uid_t uid,
                                                        gid_t spool_gid);
    // Closes the channel (the keeper then removes a lock it holds) and reaps
    // it, killing it after limits::dotlock_keeper_exit_millis: an error
    // (temporary) when it had to be killed, for the caller to log. Once.
    Status stop();
    // stop(), if the caller did not, without a word: a caller that wants to
    // know calls stop().
    ~DotlockKeeper();
    DotlockKeeper(const DotlockKeeper&) = delete;
    DotlockKeeper& operator=(const DotlockKeeper&) = delete;

    // One attempt at the lock in the keeper (try_dotlock in dotlock.h):
    // code L_SUCCESS, L_MAXTRYS when held by a live process, other L_* on
    // errors, L_ERROR with EPIPE if the keeper cannot be reached.
    DotlockAttempt create();
    // lockfile_remove(lock_path) in the keeper: 0 on success, -1 otherwise.
    int remove();

    pid_t pid() const { return pid_; }

private:
    DotlockKeeper(UniqueFd fd, pid_t pid) : fd_(std::move(fd)), pid_(pid) {}
    // Sends a request and reads a reply of exactly `size` bytes.
    bool ask(char request, void* reply, std::size_t size);

    UniqueFd fd_;
    pid_t pid_;
    bool stopped_ = false;
};

// The group a keeper needs to make the dotlock of the mbox at mbox_path for
// uid: the directory's group when uid cannot write the directory but that
// group can (the Debian spool, a real root-owned directory, not a symlink);
// nothing when uid can write it (%h/Mailbox) or nobody but root can.
std::optional<gid_t> dotlock_spool_group(const std::string& mbox_path, uid_t uid);

}  // namespace pop3d::mbox
