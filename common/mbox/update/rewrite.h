// UPDATE on an mbox file, in place and crash-safe (the contract between the
// mbox reader, which decides what to keep, and the rewriter, which makes the
// file say so durably). The argument for crash safety is at the top of
// rewrite.cpp.
#pragma once

#include <sys/stat.h>
#include <time.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/mbox/notes.h"
#include "common/result.h"

namespace pop3d::mbox {

// A byte range of the mbox file: [offset, offset + length).
struct Range {
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};

// Every system call the rewriter (and the state file's save) makes on a
// file, behind an interface so a test can count them and stop the process
// (SIGKILL) or fail one (ENOSPC, EIO) at any chosen call, or record them all
// to rebuild the states a power cut may leave (crash_harness.h).
// Production uses system_io().
class RewriteIo {
public:
    virtual ~RewriteIo() = default;
    virtual ssize_t pread(int fd, void* buf, std::size_t n, std::uint64_t off) = 0;
    virtual ssize_t pwrite(int fd, const void* buf, std::size_t n, std::uint64_t off) = 0;
    virtual int fsync(int fd) = 0;
    virtual int fdatasync(int fd) = 0;
    // Starts the writeback of a range; persists nothing by itself.
    virtual int sync_file_range(int fd, std::uint64_t off, std::uint64_t n) = 0;
    virtual int fstat(int fd, struct stat* st) = 0;
    virtual int futimens(int fd, const struct timespec times[2]) = 0;
    virtual int ftruncate(int fd, std::uint64_t size) = 0;
    virtual int open(const char* path, int flags, int mode) = 0;
    virtual int close(int fd) = 0;
    virtual int unlink(const char* path) = 0;
    virtual int rename(const char* from, const char* to) = 0;
};
RewriteIo& system_io();

// Makes the mbox open (read-write) at fd hold, in order, the ranges `keep`
// (sorted, disjoint, all below read_size) followed by every byte from
// read_size to the end of the file (mail delivered since the session read
// it). The caller holds the mailbox locks. Returns only when the result is
// durable (fsync). journal_path names a file in a directory the user owns
// (the state directory); it may be empty when there is none.
// On failure (ENOSPC, EIO, ...) the file keeps its old contents, or, if the
// failure came after the point of no return, the next recover() completes
// the rewrite; either way no message is lost, cut or doubled. So after an
// error the caller replies -ERR [SYS/TEMP] and must not promise that nothing
// was deleted.
// Errors: temporary (I/O, full disk, a crashed UPDATE not recovered yet);
// permanent when journal_path is empty and the deletions are not all at the
// end of the file (only a truncation is safe without a journal: reply
// -ERR [SYS/PERM], nothing is deleted), and for bad ranges or a bad step size
// (the caller's bug: trying again cannot help).
// Logs nothing: an access time it could not set and mail it kept that came
// during an interrupted update are notes for the caller (notes.h).
Status rewrite(int fd, const std::vector<Range>& keep, std::uint64_t read_size,
               const std::string& journal_path, RewriteIo& io = system_io(), Notes* notes = nullptr);

// Run at every open, under the locks, before the file is read: finishes a
// rewrite that a crash interrupted (keeping mail appended since the crash).
// A no-op when none was, or when journal_path is empty. Errors: temporary
// (I/O); permanent when the journal is damaged or belongs to another file, or
// the mbox shrank since the crash: the maildrop must not be opened then.
// That it finishes one is a note for the caller.
Status recover(int fd, const std::string& journal_path, RewriteIo& io = system_io(), Notes* notes = nullptr);

}  // namespace pop3d::mbox
