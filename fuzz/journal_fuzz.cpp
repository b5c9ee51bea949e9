// The UPDATE journal's loader over arbitrary bytes (a journal left by a
// crash, maybe damaged): a header that decodes describes a plan whose every
// step stays inside the file, and the records in its slots decode or not
// without crashing.
#include <cstdlib>
#include <string>

#include "common/mbox/update/journal_format.h"
#include "common/mbox/update/rewrite_plan.h"

using namespace pop3d;
using namespace pop3d::mbox;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string bytes(reinterpret_cast<const char*>(data), size);
    if (bytes.size() >= header_fixed_size) (void)header_size(bytes.substr(0, header_fixed_size));
    auto header = decode_header(bytes);
    if (!header) return 0;
    const RewritePlan& plan = header->plan;
    std::uint64_t dst = plan.prefix;
    for (int steps = 0; dst < plan.new_size && steps < 4096; ++steps) {
        Step step = step_at(plan, dst, header->chunk);
        if (step.dst != dst || step.end <= dst || step.end > plan.new_size || step.saved > step.end - dst)
            std::abort();
        std::uint64_t total = 0;
        for (const Piece& p : step.pieces) {
            if (p.src > plan.old_size || p.length > plan.old_size - p.src || p.src < dst) std::abort();
            total += p.length;
        }
        if (total != step.end - dst) std::abort();
        dst = step.end;
    }
    for (std::uint64_t slot = 0; slot < 2; ++slot) {
        std::uint64_t at = slot_record_offset(*header, slot);
        if (at >= bytes.size()) continue;
        Record record;
        if (decode_record(bytes.substr(at, record_size), *header, record) && record.state == RecordState::step &&
            (record.end > plan.new_size || record.saved > header->slot_size))
            std::abort();
    }
    return 0;
}
