#include "common/mbox/update/rewrite_plan.h"

#include <algorithm>

namespace pop3d::mbox {

Result<RewritePlan> make_plan(const std::vector<Range>& keep, std::uint64_t read_size,
                              std::uint64_t file_size) {
    if (read_size > file_size) {
        return make_error(ErrorKind::temporary, "mbox is shorter than the part the session read");
    }
    std::vector<Range> merged;
    std::uint64_t last_end = 0;
    for (const Range& r : keep) {
        if (r.length == 0) continue;
        if (r.offset < last_end || r.offset > read_size || r.length > read_size - r.offset) {
            return make_error(ErrorKind::permanent, "kept ranges are not sorted, disjoint and read");
        }
        if (!merged.empty() && merged.back().offset + merged.back().length == r.offset) {
            merged.back().length += r.length;
        } else {
            merged.push_back(r);
        }
        last_end = r.offset + r.length;
    }
    if (file_size > read_size) {
        Range tail{read_size, file_size - read_size};
        if (!merged.empty() && merged.back().offset + merged.back().length == tail.offset) {
            merged.back().length += tail.length;
        } else {
            merged.push_back(tail);
        }
    }
    RewritePlan plan;
    plan.old_size = file_size;
    std::size_t first = 0;
    if (!merged.empty() && merged.front().offset == 0) {
        plan.prefix = merged.front().length;
        first = 1;
    }
    plan.moves.assign(merged.begin() + static_cast<std::ptrdiff_t>(first), merged.end());
    plan.new_size = plan.prefix;
    for (const Range& m : plan.moves) plan.new_size += m.length;
    if (!finish_plan(plan)) return make_error(ErrorKind::permanent, "inconsistent rewrite plan");
    return plan;
}

bool finish_plan(RewritePlan& plan) {
    plan.move_dst.clear();
    std::uint64_t dst = plan.prefix;
    std::uint64_t last_src_end = plan.prefix;
    for (const Range& m : plan.moves) {
        if (m.length == 0 || m.offset <= dst || m.offset < last_src_end) return false;
        if (m.length > plan.old_size || m.offset > plan.old_size - m.length) return false;
        plan.move_dst.push_back(dst);
        dst += m.length;
        last_src_end = m.offset + m.length;
    }
    return dst == plan.new_size && plan.new_size <= plan.old_size;
}

Step step_at(const RewritePlan& plan, std::uint64_t dst, std::uint64_t chunk) {
    Step step;
    step.dst = dst;
    step.end = std::min(plan.new_size, (dst / chunk + 1) * chunk);
    // The move holding dst: the last one starting at or before it.
    auto it = std::upper_bound(plan.move_dst.begin(), plan.move_dst.end(), dst);
    std::size_t i = static_cast<std::size_t>(it - plan.move_dst.begin()) - 1;
    bool saving = true;
    for (std::uint64_t at = dst; at < step.end; ++i) {
        const Range& m = plan.moves[i];
        std::uint64_t skip = at - plan.move_dst[i];
        std::uint64_t length = std::min(m.length - skip, step.end - at);
        std::uint64_t src = m.offset + skip;
        step.pieces.push_back(Piece{src, length});
        if (saving) {
            // Sources only grow, so the saved bytes are a prefix of the step.
            if (src >= step.end) {
                saving = false;
            } else {
                std::uint64_t below = std::min(length, step.end - src);
                step.saved += below;
                if (below < length) saving = false;
            }
        }
        at += length;
    }
    return step;
}

std::uint64_t max_saved(const RewritePlan& plan, std::uint64_t chunk) {
    std::uint64_t most = 0;
    for (std::uint64_t dst = plan.prefix; dst < plan.new_size;) {
        Step step = step_at(plan, dst, chunk);
        most = std::max(most, step.saved);
        dst = step.end;
    }
    return most;
}

}  // namespace pop3d::mbox
