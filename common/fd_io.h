// Whole reads and writes on a descriptor: the one place that retries
// EINTR and carries on after a short read or write, so that no caller
// writes that loop again.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string_view>

#include "common/result.h"

namespace pop3d {

// Writes every byte of `bytes` to fd. A write that makes no progress
// fails (ENOSPC stands for a write of 0 bytes); the error's message is
// strerror alone, for the caller to say what it was writing.
Status write_all(int fd, std::string_view bytes);

// Reads into buf until `size` bytes are in or fd is at end of file, and
// returns how many were read: fewer than `size` means end of file.
Result<std::size_t> read_up_to(int fd, char* buf, std::size_t size);
// The same from `offset` on (pread: the file offset does not move).
Result<std::size_t> pread_up_to(int fd, char* buf, std::size_t size, off_t offset);

}  // namespace pop3d
