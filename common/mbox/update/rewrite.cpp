// UPDATE in place, safe against a kill at any instant and against a power
// cut at any instant.
//
// THE MOVE. The new file is old[0, prefix) (the kept bytes before the first
// deleted one, never touched) followed by the other kept ranges and the mail
// appended since the session read the file, in order (RewritePlan). Every
// byte moves to a lower offset, so a forward copy in steps never overwrites a
// byte it has not read yet. Step k writes the new bytes [dst, end) (end
// aligned to the chunk, so the pwrites are large and aligned), reading them
// from old offsets >= dst. The only source bytes a step destroys are the ones
// that lie inside its own destination [dst, end): its first `saved` bytes.
// When much is deleted ahead of a step (saved = 0) nothing needs saving.
//
// THE FAILURE MODEL. A kill stops the process between two calls; the page
// cache survives it. A power cut keeps what was synced, plus ANY subset of
// the writes, truncations and directory changes made since, in any order
// (the kernel writes back pages when it likes; sync_file_range is only a
// hint). An fsync of a file persists its data and size, not its name: a
// create, rename or unlink is durable only after its directory is fsynced.
// So the protocol below never relies on the order of two unsynced changes:
// every "B only after A" is an fsync (or fdatasync) of A before B is issued.
//
// THE JOURNAL (journal_format.h), a file in the user's state directory: a
// header (the mbox's dev/ino, the plan, a random marker, a checksum) and two
// record slots. It is written in full under a temporary name (all its
// blocks: ENOSPC can only strike now, while failing is harmless), synced,
// renamed into place, and the directory synced: THE POINT OF NO RETURN. Until
// then the mbox is untouched, and recover() deletes a stray temporary; from
// then on recover() always rolls forward. A journal that is present is
// therefore whole.
//
// EACH STEP k: (1) write the step's `saved` bytes into slot k%2 and the
// record {seq k, dst, end, saved, checksum of the saved bytes} into the same
// slot, (2) fdatasync the mbox (step k-1 is on disk), (3) fdatasync the
// journal (record k and its bytes are on disk), (4) write the step into the
// mbox. Step k's data thus reach the mbox only once record k is durable, and
// record k+1 becomes durable only after step k's data. (1) for step k+1 is
// done while step k's writeback runs, which is why (2) comes after (1).
//
// WHY ANY INTERRUPTION IS RECOVERABLE. Let k be the highest record whose
// checksums hold, its saved bytes included (a record that reached the disk
// without its bytes fails, and then its step never touched the mbox, by
// (3)-(4)). (a) Step k+1 has not written the mbox: that needs record k+1
// durable. Slot k%2 is not overwritten before record k+1 is durable
// (record k+1 goes to the other slot; record k+2's bytes come after). (b)
// The mbox holds the new bytes below record k's dst (step k-1 was synced
// before record k, by (2)), possibly a torn step k, and old bytes from
// record k's end on (nothing beyond end was written). Redoing step k takes
// its first `saved` bytes from the journal and the rest from old offsets >=
// end, which are intact; it is idempotent, so an interruption of the
// recovery is recovered the same way. With no valid record, nothing was
// written and the copy starts at prefix.
//
// THE END. After the last step the rewriter syncs the mbox and writes a
// "copied" record (synced: no step will be redone, so the bytes past the new
// end are free), then the marker (random bytes from the header) just past
// the new end, syncs the mbox, writes a "marked" record and syncs the
// journal, and only then truncates, fsyncs the mbox, removes the journal and
// fsyncs its directory. A truncation thus never reaches the disk before the
// "marked" record, and a durable "marked" record implies a durable marker.
// For a "marked" record, recover() tells whether the truncation happened by
// reading the marker at the new end: a truncated file cannot hold it there
// (the size only grows by appends, and appended mail cannot contain a secret
// random string from the user's 0700 state directory). A journal that comes
// back after its removal was lost finds the truncation done and is removed.
//
// MAIL APPENDED AFTER A CRASH. The fcntl lock dies with the process and a
// dotlock goes stale, so a delivery agent may append before the next open.
// During the copy the size is fixed, so anything past the old size is such
// mail: recover() first finishes the copy (which never reads past the old
// size), then, instead of truncating, runs a second rewrite that keeps
// [0, new size) and moves the appended mail down; its journal replaces the
// first one by rename (synced before the second rewrite touches the mbox),
// so the hand-over is itself atomic. Mail appended during the session is
// part of the plan: it is moved like any kept range.
//
// THE COST. Bytes a step saves are written twice (journal and mbox); a step
// costs two fdatasyncs, and the end four more. With 8 MiB steps that is what
// the M4 benchmark measures (README). The proof is the crash harness
// (tests/common/mbox/update/crash_*): it records every call of real UPDATEs through
// RewriteIo and recovers every disk state a power cut may leave.
//
// WHAT IS NOT COVERED. Another program that rewrites the mbox after a crash
// and before the next open defeats any journal; recover() checks dev/ino and
// the sizes it can check, and refuses (ErrorKind::permanent) what it cannot
// reconcile. A disk that lies about fsync defeats any protocol.
//
// WITHOUT A STATE DIRECTORY (empty journal_path) an UPDATE that must move
// bytes is refused with ErrorKind::permanent (the caller answers -ERR
// [SYS/PERM] and deletes nothing). A journal inside the mbox (past its end)
// was considered and rejected: after a crash a delivery agent appends behind
// it, so recover() could only find it by scanning the whole file at every
// open, and a sender could mail a forged one. Deleting only the last
// messages needs no journal (one ftruncate, then fsync: old or new size) and
// works without a state directory; with one it still takes the journal's
// path (markers and records, no step), because a kill between the
// ftruncate and its fsync, a delivery, and a power cut before the delivery's
// fsync can leave the old size with the delivery's bytes inside the old
// tail, which only the markers reveal.
//
// TIMES. The writes set mtime. Mail readers say "new mail" when mtime > atime;
// that stays true when it was true before the UPDATE (mail delivered during
// the session, nobody read it since), and otherwise atime is set to now, so
// removing messages never looks like new mail.
#include "common/mbox/update/rewrite.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

#include "common/limits.h"
#include "common/mbox/update/journal_format.h"
#include "common/mbox/update/rewrite_engine.h"
#include "common/mbox/update/rewrite_plan.h"

namespace pop3d::mbox {
namespace {

class SystemIo final : public RewriteIo {
public:
    ssize_t pread(int fd, void* buf, std::size_t n, std::uint64_t off) override {
        return ::pread(fd, buf, n, static_cast<off_t>(off));
    }
    ssize_t pwrite(int fd, const void* buf, std::size_t n, std::uint64_t off) override {
        return ::pwrite(fd, buf, n, static_cast<off_t>(off));
    }
    int fsync(int fd) override { return ::fsync(fd); }
    int fdatasync(int fd) override { return ::fdatasync(fd); }
    int sync_file_range(int fd, std::uint64_t off, std::uint64_t n) override {
        return ::sync_file_range(fd, static_cast<off_t>(off), static_cast<off_t>(n),
                                 SYNC_FILE_RANGE_WRITE);
    }
    int fstat(int fd, struct stat* st) override { return ::fstat(fd, st); }
    int futimens(int fd, const struct timespec times[2]) override { return ::futimens(fd, times); }
    int ftruncate(int fd, std::uint64_t size) override {
        return ::ftruncate(fd, static_cast<off_t>(size));
    }
    int open(const char* path, int flags, int mode) override {
        return ::open(path, flags, static_cast<mode_t>(mode));
    }
    int close(int fd) override { return ::close(fd); }
    int unlink(const char* path) override { return ::unlink(path); }
    int rename(const char* from, const char* to) override { return ::rename(from, to); }
};

Error io_error(const std::string& what, int err) {
    return make_error(ErrorKind::temporary, "UPDATE: " + what + ": " + std::strerror(err));
}

Status read_full(RewriteIo& io, int fd, char* buf, std::uint64_t n, std::uint64_t off) {
    while (n > 0) {
        ssize_t r = io.pread(fd, buf, n, off);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return io_error("read", errno);
        if (r == 0) return make_error(ErrorKind::permanent, "UPDATE: file ended early");
        buf += r;
        n -= static_cast<std::uint64_t>(r);
        off += static_cast<std::uint64_t>(r);
    }
    return {};
}

Status write_full(RewriteIo& io, int fd, const char* buf, std::uint64_t n, std::uint64_t off) {
    while (n > 0) {
        ssize_t r = io.pwrite(fd, buf, n, off);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return io_error("write", errno);
        if (r == 0) return io_error("write", ENOSPC);
        buf += r;
        n -= static_cast<std::uint64_t>(r);
        off += static_cast<std::uint64_t>(r);
    }
    return {};
}

Status sync(RewriteIo& io, int fd) {
    while (io.fsync(fd) != 0) {
        if (errno != EINTR) return io_error("fsync", errno);
    }
    return {};
}

Status datasync(RewriteIo& io, int fd) {
    while (io.fdatasync(fd) != 0) {
        if (errno != EINTR) return io_error("fdatasync", errno);
    }
    return {};
}

Status truncate_to(RewriteIo& io, int fd, std::uint64_t size) {
    while (io.ftruncate(fd, size) != 0) {
        if (errno != EINTR) return io_error("ftruncate", errno);
    }
    return {};
}

Status remove_file(RewriteIo& io, const std::string& path) {
    if (io.unlink(path.c_str()) != 0 && errno != ENOENT) return io_error("unlink journal", errno);
    return {};
}

Status sync_directory_of(RewriteIo& io, const std::string& path) {
    std::size_t slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    int dfd = io.open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    if (dfd < 0) return io_error("open " + dir, errno);
    while (io.fsync(dfd) != 0) {
        if (errno != EINTR) {
            int err = errno;
            io.close(dfd);
            return io_error("fsync " + dir, err);
        }
    }
    if (io.close(dfd) != 0 && errno != EINTR) return io_error("close " + dir, errno);
    return {};
}

// Makes the journal's removal durable, so that the next UPDATE does not find
// it (a journal that comes back is harmless to recover(): see THE END).
Status remove_journal_durably(RewriteIo& io, const std::string& path) {
    auto s = remove_file(io, path);
    if (!s) return s;
    return sync_directory_of(io, path);
}

// A journal descriptor closed through the same io on every path.
class JournalFd {
public:
    JournalFd(RewriteIo& io, int fd) : io_(io), fd_(fd) {}
    JournalFd(const JournalFd&) = delete;
    JournalFd& operator=(const JournalFd&) = delete;
    ~JournalFd() {
        if (fd_ >= 0) io_.close(fd_);
    }
    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }
    Status close() {
        int fd = fd_;
        fd_ = -1;
        if (io_.close(fd) != 0 && errno != EINTR) return io_error("close journal", errno);
        return {};
    }

private:
    RewriteIo& io_;
    int fd_;
};

struct Buffer {
    explicit Buffer(std::uint64_t size)
        : bytes(std::make_unique_for_overwrite<char[]>(size)), size(size) {}
    std::unique_ptr<char[]> bytes;
    std::uint64_t size;
};

// The mbox's times before the UPDATE decide what the readers see after it.
struct Times {
    bool new_mail = false;
    struct timespec atime{};
};

Times times_of(const struct stat& st) {
    Times t;
    t.atime = st.st_atim;
    t.new_mail = st.st_mtim.tv_sec > st.st_atim.tv_sec ||
                 (st.st_mtim.tv_sec == st.st_atim.tv_sec && st.st_mtim.tv_nsec > st.st_atim.tv_nsec);
    return t;
}

// Not setting it is no failure of the UPDATE, only a note.
void set_times(RewriteIo& io, int fd, const Times& t, Notes* notes) {
    struct timespec ts[2];
    ts[0] = t.new_mail ? t.atime : timespec{0, UTIME_NOW};
    ts[1] = timespec{0, UTIME_OMIT};
    if (io.futimens(fd, ts) != 0) {
        const int e = errno;
        note(notes, Note::Level::warning, std::string("UPDATE: cannot set the mbox access time: ") + std::strerror(e));
    }
}

Status fstat_of(RewriteIo& io, int fd, struct stat& st) {
    if (io.fstat(fd, &st) != 0) return io_error("fstat", errno);
    return {};
}

// One rewrite in progress: the mbox, its journal, and where the copy is.
struct Job {
    RewriteIo& io;
    int fd;
    const std::string& journal_path;
    JournalHeader header;
    JournalFd& journal;
    Buffer& buffer;
    Notes* notes = nullptr;
    std::uint64_t next_seq = 0;
    bool mbox_unsynced = false;  // a step was written and not fdatasynced yet
};

Status read_pieces(Job& job, const Step& step, std::uint64_t skip) {
    char* out = job.buffer.bytes.get() + skip;
    std::uint64_t at = step.dst;
    for (const Piece& piece : step.pieces) {
        std::uint64_t from = 0;
        if (at < step.dst + skip) from = std::min(piece.length, step.dst + skip - at);
        if (from < piece.length) {
            auto s = read_full(job.io, job.fd, out, piece.length - from, piece.src + from);
            if (!s) return s;
            out += piece.length - from;
        }
        at += piece.length;
    }
    return {};
}

// Lets the disk write a step while the next step's bytes are saved, so the
// fdatasync before the next record finds less to do. Only a hint.
void start_writeback(Job& job, std::uint64_t from, std::uint64_t to) {
    // A failure here costs only speed; the fdatasync reports real trouble.
    (void)job.io.sync_file_range(job.fd, from, to - from);
}

// Makes `record` durable, after everything written to the mbox so far:
// the order the recovery argument rests on.
Status commit_record(Job& job, const Record& record) {
    if (job.mbox_unsynced) {
        auto s = datasync(job.io, job.fd);
        if (!s) return s;
        job.mbox_unsynced = false;
    }
    std::string bytes = encode_record(record, job.header);
    auto s = write_full(job.io, job.journal.get(), bytes.data(), bytes.size(),
                        slot_record_offset(job.header, record.seq));
    if (!s) return s;
    return datasync(job.io, job.journal.get());
}

Status write_mbox(Job& job, const char* bytes, std::uint64_t n, std::uint64_t at) {
    job.mbox_unsynced = true;
    return write_full(job.io, job.fd, bytes, n, at);
}

Status copy_from(Job& job, std::uint64_t dst) {
    const RewritePlan& plan = job.header.plan;
    while (dst < plan.new_size) {
        Step step = step_at(plan, dst, job.header.chunk);
        auto s = read_pieces(job, step, 0);
        if (!s) return s;
        Record record{job.next_seq, RecordState::step, step.dst, step.end, step.saved, {}};
        record.saved_sum = saved_checksum(job.buffer.bytes.get(), step.saved, job.header);
        if (step.saved > 0) {
            s = write_full(job.io, job.journal.get(), job.buffer.bytes.get(), step.saved,
                           slot_data_offset(job.header, record.seq));
            if (!s) return s;
        }
        s = commit_record(job, record);
        if (!s) return s;
        s = write_mbox(job, job.buffer.bytes.get(), step.end - step.dst, step.dst);
        if (!s) return s;
        start_writeback(job, step.dst, step.end);
        ++job.next_seq;
        dst = step.end;
    }
    // From here on no step is redone: the bytes past the new end are free.
    return commit_record(job, Record{job.next_seq++, RecordState::copied, 0, 0, 0, {}});
}

std::uint64_t marker_length(const RewritePlan& plan) {
    return std::min<std::uint64_t>(limits::rewrite_marker, plan.old_size - plan.new_size);
}

// Whether the marker is also written at the old end (see tail_marker_in_place).
bool has_tail_marker(const RewritePlan& plan) {
    return plan.old_size - plan.new_size >= 2 * limits::rewrite_marker;
}

// The copy is complete and nothing was appended: commit by truncating.
Status truncate_and_finish(Job& job, const Times& times) {
    const RewritePlan& plan = job.header.plan;
    auto s = write_mbox(job, reinterpret_cast<const char*>(job.header.marker.data()),
                        marker_length(plan), plan.new_size);
    if (!s) return s;
    if (has_tail_marker(plan)) {
        s = write_mbox(job, reinterpret_cast<const char*>(job.header.marker.data()),
                       limits::rewrite_marker, plan.old_size - limits::rewrite_marker);
        if (!s) return s;
    }
    s = commit_record(job, Record{job.next_seq++, RecordState::marked, 0, 0, 0, {}});
    if (!s) return s;
    s = truncate_to(job.io, job.fd, plan.new_size);
    if (!s) return s;
    set_times(job.io, job.fd, times, job.notes);
    s = sync(job.io, job.fd);
    if (!s) return s;
    s = job.journal.close();
    if (!s) return s;
    return remove_journal_durably(job.io, job.journal_path);
}

Status run(int fd, const RewritePlan& plan, const struct stat& st, const Times& times,
           const std::string& journal_path, RewriteIo& io, std::uint64_t chunk,
           bool replace_journal, Notes* notes);

// The copy of `job` is complete; the file may have grown since (mail
// appended after a crash). Ends the UPDATE either way.
Status finish_after_copy(Job& job) {
    struct stat st;
    auto s = fstat_of(job.io, job.fd, st);
    if (!s) return s;
    const RewritePlan& plan = job.header.plan;
    std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
    if (size < plan.old_size) {
        return make_error(ErrorKind::permanent, "UPDATE: the mbox shrank during an interrupted update");
    }
    if (size == plan.old_size) return truncate_and_finish(job, times_of(st));
    auto next = make_plan({Range{0, plan.new_size}}, plan.old_size, size);
    if (!next) return next.error();
    s = job.journal.close();
    if (!s) return s;
    note(job.notes, Note::Level::notice,
         "UPDATE: keeping " + std::to_string(size - plan.old_size) +
             " bytes of mail delivered after an interrupted update");
    return run(job.fd, *next, st, times_of(st), job.journal_path, job.io, job.header.chunk, true, job.notes);
}

Status write_new_journal(RewriteIo& io, const std::string& tmp, const JournalHeader& header,
                         Buffer& buffer, int& out_fd) {
    if (auto s = remove_file(io, tmp); !s) return s;
    int jfd = io.open(tmp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (jfd < 0) return io_error("create journal " + tmp, errno);
    JournalFd guard(io, jfd);
    std::string bytes = encode_header(header);
    auto s = write_full(io, jfd, bytes.data(), bytes.size(), 0);
    // Every block the journal will use is written now, while failing is harmless.
    std::uint64_t total = journal_size(header);
    std::memset(buffer.bytes.get(), 0, buffer.size);
    for (std::uint64_t at = bytes.size(); s && at < total;) {
        std::uint64_t n = std::min(buffer.size, total - at);
        s = write_full(io, jfd, buffer.bytes.get(), n, at);
        at += n;
    }
    // The journal is whole on disk before its name can be.
    if (s) s = datasync(io, jfd);
    if (!s) {
        // Best effort: recover() removes a leftover temporary journal anyway.
        guard.close().ok();
        io.unlink(tmp.c_str());
        return s;
    }
    out_fd = guard.release();
    return {};
}

// One ftruncate, atomic for every reader, then its fsync.
Status truncate_only(RewriteIo& io, int fd, const RewritePlan& plan, const Times& times, Notes* notes) {
    auto s = truncate_to(io, fd, plan.new_size);
    if (!s) return s;
    set_times(io, fd, times, notes);
    return sync(io, fd);
}

Status run(int fd, const RewritePlan& plan, const struct stat& st, const Times& times,
           const std::string& journal_path, RewriteIo& io, std::uint64_t chunk,
           bool replace_journal, Notes* notes) {
    if (plan.new_size == plan.old_size) return {};
    if (!replace_journal && !journal_path.empty()) {
        // A journal left by a crash describes the file as it was; any change
        // made before recover() ran would be undone by it.
        int existing = io.open(journal_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
        if (existing >= 0) {
            io.close(existing);
            return make_error(ErrorKind::temporary, "UPDATE: an interrupted update is not recovered yet");
        }
        if (errno != ENOENT) return io_error("open journal", errno);
    }
    // Only the end goes: with a journal even this goes through it (no
    // step, only the markers: see tail_marker_in_place for the crash it
    // covers); without one, or without room for one, a bare truncation.
    if (plan.moves.empty() && journal_path.empty()) return truncate_only(io, fd, plan, times, notes);
    if (journal_path.empty()) {
        return make_error(ErrorKind::permanent,
                          "UPDATE needs a state directory for its journal to delete these messages");
    }
    JournalHeader header;
    header.dev = static_cast<std::uint64_t>(st.st_dev);
    header.ino = static_cast<std::uint64_t>(st.st_ino);
    header.chunk = chunk;
    header.plan = plan;
    header.slot_size = max_saved(plan, chunk);
    randombytes_buf(header.marker.data(), header.marker.size());

    Buffer buffer(chunk);
    std::string tmp = journal_path + ".new";
    int jfd = -1;
    auto s = write_new_journal(io, tmp, header, buffer, jfd);
    if (!s && plan.moves.empty()) return truncate_only(io, fd, plan, times, notes);
    if (!s) return s;
    JournalFd journal(io, jfd);
    if (io.rename(tmp.c_str(), journal_path.c_str()) != 0) {
        int err = errno;
        io.unlink(tmp.c_str());  // best effort, as above
        return io_error("rename journal", err);
    }
    // The point of no return: the mbox is written only once the journal's
    // name is on disk too.
    s = sync_directory_of(io, journal_path);
    if (!s) return s;
    Job job{io, fd, journal_path, header, journal, buffer, notes};
    s = copy_from(job, plan.prefix);
    if (!s) return s;
    return truncate_and_finish(job, times);
}

Status read_journal_header(RewriteIo& io, int jfd, JournalHeader& out) {
    std::string fixed(header_fixed_size, '\0');
    auto s = read_full(io, jfd, fixed.data(), fixed.size(), 0);
    if (!s) return s;
    auto size = header_size(fixed);
    if (!size) return size.error();
    struct stat st;
    s = fstat_of(io, jfd, st);
    if (!s) return s;
    if (*size > static_cast<std::uint64_t>(st.st_size)) {
        return make_error(ErrorKind::permanent, "UPDATE journal is cut short");
    }
    std::string bytes(*size, '\0');
    s = read_full(io, jfd, bytes.data(), bytes.size(), 0);
    if (!s) return s;
    auto header = decode_header(bytes);
    if (!header) return header.error();
    out = std::move(*header);
    return {};
}

// The newest valid record of the two slots; false when neither is valid.
Result<bool> newest_record(Job& job, Record& newest) {
    bool found = false;
    for (std::uint64_t slot = 0; slot < 2; ++slot) {
        std::string bytes(record_size, '\0');
        auto s = read_full(job.io, job.journal.get(), bytes.data(), bytes.size(),
                           slot_record_offset(job.header, slot));
        if (!s) return s.error();
        Record record;
        if (!decode_record(bytes, job.header, record) || record.seq % 2 != slot) continue;
        if (record.state == RecordState::step) {
            s = read_full(job.io, job.journal.get(), job.buffer.bytes.get(), record.saved,
                          slot_data_offset(job.header, record.seq));
            if (!s) return s.error();
            // The record reached the disk without its bytes: its step never began.
            if (saved_checksum(job.buffer.bytes.get(), record.saved, job.header) != record.saved_sum)
                continue;
        }
        if (!found || record.seq > newest.seq) newest = record;
        found = true;
    }
    return found;
}

Result<bool> marker_in_place(Job& job, std::uint64_t size) {
    const RewritePlan& plan = job.header.plan;
    // Before the truncation the file is at least old_size long; only
    // appends make it longer, so a shorter file was truncated.
    if (size < plan.old_size) return false;
    std::uint64_t n = marker_length(plan);
    std::string bytes(n, '\0');
    auto s = read_full(job.io, job.fd, bytes.data(), n, plan.new_size);
    if (!s) return s.error();
    return std::memcmp(bytes.data(), job.header.marker.data(), n) == 0;
}

// A kill between the truncation and its fsync, a delivery (appending at the
// new end in the page cache), then a power cut before that delivery's fsync
// can leave the old size with the delivery's first bytes over the marker.
// The marker at the old end then still shows that the truncation was lost
// (a truncated file holds appended mail there, never the secret); the
// delivery was not fsynced, so its agent did not report it delivered.
Result<bool> tail_marker_in_place(Job& job, std::uint64_t size) {
    const RewritePlan& plan = job.header.plan;
    if (!has_tail_marker(plan) || size < plan.old_size) return false;
    std::string bytes(limits::rewrite_marker, '\0');
    auto s = read_full(job.io, job.fd, bytes.data(), bytes.size(), plan.old_size - limits::rewrite_marker);
    if (!s) return s.error();
    return std::memcmp(bytes.data(), job.header.marker.data(), bytes.size()) == 0;
}

Status redo_step(Job& job, const Record& record) {
    Step step = step_at(job.header.plan, record.dst, job.header.chunk);
    if (step.end != record.end || step.saved != record.saved) {
        return make_error(ErrorKind::permanent, "UPDATE journal record does not match its plan");
    }
    auto s = read_full(job.io, job.journal.get(), job.buffer.bytes.get(), step.saved,
                       slot_data_offset(job.header, record.seq));
    if (!s) return s;
    if (saved_checksum(job.buffer.bytes.get(), step.saved, job.header) != record.saved_sum) {
        return make_error(ErrorKind::permanent, "UPDATE journal lost the bytes of its last step");
    }
    s = read_pieces(job, step, step.saved);
    if (!s) return s;
    return write_mbox(job, job.buffer.bytes.get(), step.end - step.dst, step.dst);
}

Status resume(Job& job, std::uint64_t size) {
    const RewritePlan& plan = job.header.plan;
    Record newest;
    auto found = newest_record(job, newest);
    if (!found) return found.error();
    if (*found && newest.state == RecordState::copied) {
        job.next_seq = newest.seq + 1;
        return finish_after_copy(job);
    }
    if (*found && newest.state == RecordState::marked) {
        auto in_place = marker_in_place(job, size);
        if (!in_place) return in_place.error();
        auto tail_in_place = tail_marker_in_place(job, size);
        if (!tail_in_place) return tail_in_place.error();
        if (!*in_place && !*tail_in_place) {
            // Truncated: only the fsync and the journal's removal may be missing.
            auto s = sync(job.io, job.fd);
            if (!s) return s;
            s = job.journal.close();
            if (!s) return s;
            return remove_journal_durably(job.io, job.journal_path);
        }
        job.next_seq = newest.seq + 1;
        return finish_after_copy(job);
    }
    if (size < plan.old_size) {
        return make_error(ErrorKind::permanent, "UPDATE: the mbox shrank during an interrupted update");
    }
    std::uint64_t dst = plan.prefix;
    if (*found) {
        auto s = redo_step(job, newest);
        if (!s) return s;
        dst = newest.end;
        job.next_seq = newest.seq + 1;
    }
    auto s = copy_from(job, dst);
    if (!s) return s;
    return finish_after_copy(job);
}

}  // namespace

RewriteIo& system_io() {
    static SystemIo io;
    return io;
}

Status rewrite_in_steps(int fd, const std::vector<Range>& keep, std::uint64_t read_size,
                        const std::string& journal_path, RewriteIo& io, std::uint64_t chunk,
                        Notes* notes) {
    if (chunk == 0 || chunk % journal_page != 0 || chunk > limits::rewrite_chunk) {
        return make_error(ErrorKind::permanent, "UPDATE: step size must be a multiple of a page");
    }
    struct stat st;
    auto s = fstat_of(io, fd, st);
    if (!s) return s;
    auto plan = make_plan(keep, read_size, static_cast<std::uint64_t>(st.st_size));
    if (!plan) return plan.error();
    return run(fd, *plan, st, times_of(st), journal_path, io, chunk, false, notes);
}

Status rewrite(int fd, const std::vector<Range>& keep, std::uint64_t read_size,
               const std::string& journal_path, RewriteIo& io, Notes* notes) {
    return rewrite_in_steps(fd, keep, read_size, journal_path, io, limits::rewrite_chunk, notes);
}

Status recover(int fd, const std::string& journal_path, RewriteIo& io, Notes* notes) {
    if (journal_path.empty()) return {};
    // A journal still under its temporary name never passed the point of no
    // return: the mbox was not touched.
    auto s = remove_file(io, journal_path + ".new");
    if (!s) return s;
    int jfd = io.open(journal_path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0);
    if (jfd < 0) {
        if (errno == ENOENT) return {};
        return io_error("open journal " + journal_path, errno);
    }
    JournalFd journal(io, jfd);
    JournalHeader header;
    s = read_journal_header(io, jfd, header);
    if (!s) return s;
    struct stat st;
    s = fstat_of(io, fd, st);
    if (!s) return s;
    if (header.dev != static_cast<std::uint64_t>(st.st_dev) ||
        header.ino != static_cast<std::uint64_t>(st.st_ino)) {
        return make_error(ErrorKind::permanent,
                          "UPDATE journal " + journal_path + " belongs to another mbox file");
    }
    note(notes, Note::Level::notice, "UPDATE: finishing an interrupted update");
    // A killed rewriter leaves in the page cache what it had not synced yet
    // (a record, a step, the journal's very name): the recovery reasons from
    // what it sees, so that must be on disk before it writes anything.
    s = datasync(io, jfd);
    if (s) s = datasync(io, fd);
    if (s) s = sync_directory_of(io, journal_path);
    if (!s) return s;
    Buffer buffer(header.chunk);
    Job job{io, fd, journal_path, std::move(header), journal, buffer, notes};
    return resume(job, static_cast<std::uint64_t>(st.st_size));
}

}  // namespace pop3d::mbox
