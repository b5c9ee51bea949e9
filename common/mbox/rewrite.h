// UPDATE on an mbox file, in place and crash-safe (the contract between the
// mbox reader, which decides what to keep, and the rewriter, which makes the
// file say so durably). The argument for crash safety is at the top of
// rewrite.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace pop3d::mbox {

// A byte range of the mbox file: [offset, offset + length).
struct Range {
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};

// The few system calls the rewriter makes, behind an interface so a test can
// count them and stop the process (SIGKILL) or fail one (ENOSPC, EIO) at any
// chosen call. Production uses system_io().
class RewriteIo {
public:
    virtual ~RewriteIo() = default;
    virtual ssize_t pread(int fd, void* buf, std::size_t n, std::uint64_t off) = 0;
    virtual ssize_t pwrite(int fd, const void* buf, std::size_t n, std::uint64_t off) = 0;
    virtual int fsync(int fd) = 0;
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
// the rewrite; either way no message is lost, cut or doubled.
Status rewrite(int fd, const std::vector<Range>& keep, std::uint64_t read_size,
               const std::string& journal_path, RewriteIo& io = system_io());

// Run at every open, under the locks, before the file is read: finishes or
// undoes a rewrite that a crash interrupted. A no-op when none was.
Status recover(int fd, const std::string& journal_path, RewriteIo& io = system_io());

}  // namespace pop3d::mbox
