// The rewriter with its step size as a parameter, for the fault-injection
// tests, which need many small steps to stop the process between them.
// Production calls rewrite() and recover() (rewrite.h), which use
// limits::rewrite_chunk.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/mbox/update/rewrite.h"

namespace pop3d::mbox {

// chunk: a positive multiple of 4096, at most limits::rewrite_chunk.
Status rewrite_in_steps(int fd, const std::vector<Range>& keep, std::uint64_t read_size,
                        const std::string& journal_path, RewriteIo& io, std::uint64_t chunk,
                        Notes* notes = nullptr);

}  // namespace pop3d::mbox
