// What an UPDATE moves where: pure arithmetic over byte ranges, no I/O, so the
// rewriter and its recovery compute exactly the same steps from the same input.
#pragma once

#include <cstdint>
#include <vector>

#include "common/mbox/update/rewrite.h"
#include "common/result.h"

namespace pop3d::mbox {

// The new file is old[0, prefix) followed by the bytes of `moves`, in order,
// written from offset `prefix` on. Every byte of a move goes to an offset
// strictly below its old one, which is what makes a forward copy safe.
struct RewritePlan {
    std::uint64_t old_size = 0;
    std::uint64_t new_size = 0;
    std::uint64_t prefix = 0;
    std::vector<Range> moves;
    std::vector<std::uint64_t> move_dst;  // where each move starts in the new file
};

// Checks `keep` (sorted, disjoint, below read_size <= file_size), merges
// adjacent ranges and appends [read_size, file_size). Errors: temporary when
// the file is shorter than read_size (it changed under the session);
// permanent for ranges that break the rule (the caller's bug).
Result<RewritePlan> make_plan(const std::vector<Range>& keep, std::uint64_t read_size,
                              std::uint64_t file_size);

// Rebuilds move_dst after the moves were read back from a journal; false
// when they do not describe a forward move ending at new_size.
bool finish_plan(RewritePlan& plan);

// One piece of a step: `length` bytes read at old offset `src`.
struct Piece {
    std::uint64_t src = 0;
    std::uint64_t length = 0;
};

// The step that starts at new offset `dst`: the destination is
// [dst, end), aligned to `chunk` so every pwrite but the first is aligned.
struct Step {
    std::uint64_t dst = 0;
    std::uint64_t end = 0;
    // The first `saved` bytes of the step come from old offsets below `end`,
    // bytes this very step overwrites; only they need a copy in the journal.
    std::uint64_t saved = 0;
    std::vector<Piece> pieces;
};

// The step at dst (prefix <= dst < new_size).
Step step_at(const RewritePlan& plan, std::uint64_t dst, std::uint64_t chunk);

// The largest `saved` of all steps: the journal's slot size.
std::uint64_t max_saved(const RewritePlan& plan, std::uint64_t chunk);

}  // namespace pop3d::mbox
