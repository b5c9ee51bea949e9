#include "daemon/prelogin_table.h"

#include <gtest/gtest.h>

namespace pop3d::daemon {
namespace {

using Kind = PreloginDecision::Kind;

TEST(PreloginTable, BelowStartEveryoneIsAdmitted) {
    PreloginTable t;
    for (pid_t pid = 1; pid <= 4; ++pid) {
        EXPECT_EQ(t.admit("192.0.2.1", 5, 10, 0.0).kind, Kind::admit);
        t.add(pid, "192.0.2.1");
    }
    EXPECT_EQ(t.total(), 4u);
}

TEST(PreloginTable, BetweenStartAndFullTheDropChanceGrowsToCertainty) {
    PreloginTable t;
    for (pid_t pid = 1; pid <= 5; ++pid) t.add(pid, "192.0.2.1");
    // n = 5 = start, full = 10: drop with a chance of 1/6.
    EXPECT_EQ(t.admit("192.0.2.9", 5, 10, 0.10).kind, Kind::drop);
    EXPECT_EQ(t.admit("192.0.2.9", 5, 10, 0.20).kind, Kind::admit);
    for (pid_t pid = 6; pid <= 9; ++pid) t.add(pid, "192.0.2.1");
    // n = 9: a chance of 5/6.
    EXPECT_EQ(t.admit("192.0.2.9", 5, 10, 0.80).kind, Kind::drop);
    EXPECT_EQ(t.admit("192.0.2.9", 5, 10, 0.90).kind, Kind::admit);
}

TEST(PreloginTable, AtFullAnotherAddressEvictsTheOldestOfTheBiggestHolder) {
    PreloginTable t;
    t.add(10, "192.0.2.3");
    for (pid_t pid = 20; pid < 24; ++pid) t.add(pid, "192.0.2.2");
    auto d = t.admit("192.0.2.4", 5, 5, 0.99);
    EXPECT_EQ(d.kind, Kind::evict);
    EXPECT_EQ(d.evict, 20);
    // The biggest holder itself gets nothing more.
    EXPECT_EQ(t.admit("192.0.2.2", 5, 5, 0.99).kind, Kind::drop);
    // Logged-in or ended sessions leave the table.
    EXPECT_TRUE(t.remove(20));
    EXPECT_FALSE(t.remove(20));
    EXPECT_EQ(t.from("192.0.2.2"), 3u);
    EXPECT_EQ(t.admit("192.0.2.4", 5, 5, 0.99).kind, Kind::admit);
}

TEST(PreloginTable, TwoAddressesAtParDoNotEvictEachOther) {
    PreloginTable t;
    t.add(1, "192.0.2.1");
    t.add(2, "192.0.2.2");
    EXPECT_EQ(t.admit("192.0.2.1", 2, 2, 0.0).kind, Kind::drop);
}

}  // namespace
}  // namespace pop3d::daemon
