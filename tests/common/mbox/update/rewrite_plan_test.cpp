// The UPDATE plan: which bytes move where, and the steps that move them.
// Pure arithmetic; the rewriter and its recovery rely on it giving the same
// answer twice.
#include "common/mbox/update/rewrite_plan.h"

#include <gtest/gtest.h>

#include <string>

namespace pop3d::mbox {
namespace {

// Applies a plan to `old` the way the rewriter does, step by step, in place.
std::string apply(const RewritePlan& plan, std::string old, std::uint64_t chunk) {
    for (std::uint64_t dst = plan.prefix; dst < plan.new_size;) {
        Step step = step_at(plan, dst, chunk);
        std::string bytes;
        for (const Piece& p : step.pieces) bytes += old.substr(p.src, p.length);
        EXPECT_EQ(bytes.size(), step.end - step.dst);
        old.replace(step.dst, bytes.size(), bytes);
        EXPECT_GT(step.end, dst);
        dst = step.end;
    }
    return old.substr(0, plan.new_size);
}

TEST(RewritePlan, KeepsThePrefixAndMovesTheRestDown) {
    // Delete [4, 8) of "aaaaBBBBcccc" read whole.
    auto plan = make_plan({{0, 4}, {8, 4}}, 12, 12);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    EXPECT_EQ(plan->old_size, 12u);
    EXPECT_EQ(plan->new_size, 8u);
    EXPECT_EQ(plan->prefix, 4u);
    ASSERT_EQ(plan->moves.size(), 1u);
    EXPECT_EQ(plan->moves[0].offset, 8u);
    EXPECT_EQ(plan->move_dst[0], 4u);
    EXPECT_EQ(apply(*plan, "aaaaBBBBcccc", 4), "aaaacccc");
}

TEST(RewritePlan, MailDeliveredAfterTheReadIsKept) {
    // Read 12 bytes; meanwhile 3 more arrived. Delete the first message.
    auto plan = make_plan({{6, 6}}, 12, 15);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    EXPECT_EQ(plan->prefix, 0u);
    EXPECT_EQ(plan->new_size, 9u);
    // [6, 12) and the appended [12, 15) are adjacent: one move.
    ASSERT_EQ(plan->moves.size(), 1u);
    EXPECT_EQ(plan->moves[0].length, 9u);
    EXPECT_EQ(apply(*plan, "xxxxxxkeep..new", 4), "keep..new");
}

TEST(RewritePlan, StepsOfAnyChunkGiveTheSameFile) {
    std::string old;
    for (int i = 0; i < 40; ++i) old += std::string(7, static_cast<char>('a' + i % 26));
    std::vector<Range> keep;
    for (std::uint64_t at = 0; at < old.size(); at += 21) keep.push_back({at, 7});
    std::string expect;
    for (const Range& r : keep) expect += old.substr(r.offset, r.length);
    for (std::uint64_t chunk : {1u, 3u, 8u, 64u, 4096u}) {
        auto plan = make_plan(keep, old.size(), old.size());
        ASSERT_TRUE(plan.ok()) << plan.error().message;
        EXPECT_EQ(apply(*plan, old, chunk), expect) << "chunk " << chunk;
    }
}

TEST(RewritePlan, SavedBytesAreThoseTheStepOverwrites) {
    // Keep [2, 10) of 10 bytes: a move of 2 bytes down, in chunks of 4.
    auto plan = make_plan({{2, 8}}, 10, 10);
    ASSERT_TRUE(plan.ok());
    Step first = step_at(*plan, 0, 4);
    EXPECT_EQ(first.dst, 0u);
    EXPECT_EQ(first.end, 4u);
    // The step writes [0, 4) from old [2, 6): old [2, 4) is overwritten by it.
    EXPECT_EQ(first.saved, 2u);
    EXPECT_LE(max_saved(*plan, 4), 4u);
    EXPECT_GE(max_saved(*plan, 4), first.saved);
}

TEST(RewritePlan, RefusesRangesOutOfOrderOverlappingOrPastTheRead) {
    EXPECT_FALSE(make_plan({{4, 4}, {0, 2}}, 10, 10).ok());
    EXPECT_FALSE(make_plan({{0, 4}, {2, 4}}, 10, 10).ok());
    EXPECT_FALSE(make_plan({{8, 4}}, 10, 10).ok());
    EXPECT_FALSE(make_plan({{0, 4}}, 12, 10).ok());
}

TEST(RewritePlan, NothingDeletedIsAnEmptyPlan) {
    auto plan = make_plan({{0, 10}}, 10, 10);
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan->prefix, 10u);
    EXPECT_EQ(plan->new_size, 10u);
    EXPECT_TRUE(plan->moves.empty());
}

TEST(RewritePlan, FinishPlanRebuildsTheDestinationsAndRefusesABackwardMove) {
    auto plan = make_plan({{0, 2}, {5, 2}, {9, 3}}, 12, 12);
    ASSERT_TRUE(plan.ok());
    RewritePlan read_back = *plan;
    read_back.move_dst.clear();
    ASSERT_TRUE(finish_plan(read_back));
    EXPECT_EQ(read_back.move_dst, plan->move_dst);

    RewritePlan wrong_size = *plan;
    wrong_size.new_size += 1;
    EXPECT_FALSE(finish_plan(wrong_size));

    RewritePlan backward = *plan;
    backward.moves[0].offset = 1;  // would land at or above where it came from
    EXPECT_FALSE(finish_plan(backward));
}

}  // namespace
}  // namespace pop3d::mbox
