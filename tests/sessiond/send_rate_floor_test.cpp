#include "sessiond/send_rate_floor.h"

#include <gtest/gtest.h>

#include <chrono>

#include "common/limits.h"

namespace pop3d::session {
namespace {

using namespace std::chrono_literals;
using Clock = SendRateFloor::Clock;

// The fake clock: t(1.5s) is 1.5 s after an arbitrary origin.
Clock::time_point t(Clock::duration since) { return Clock::time_point(std::chrono::hours(1000)) + since; }

TEST(SendRateFloor, OffNeverEnds) {
    for (SendRateFloor floor : {SendRateFloor(0, 60), SendRateFloor(300, 0)}) {
        EXPECT_FALSE(floor.enabled());
        floor.waiting(t(0s));
        EXPECT_FALSE(floor.below(t(24h)));
        EXPECT_EQ(floor.time_left(t(24h)), Clock::duration::max());
    }
}

TEST(SendRateFloor, AClientThatTakesNothingEndsAfterOneWindow) {
    SendRateFloor floor(300, 60);
    floor.waiting(t(0s));
    EXPECT_EQ(floor.time_left(t(0s)), 60s);
    EXPECT_EQ(floor.time_left(t(20s)), 40s);
    EXPECT_FALSE(floor.below(t(60s) - 1ns));
    EXPECT_TRUE(floor.below(t(60s)));
    EXPECT_EQ(floor.time_left(t(61s)), 0s);
    EXPECT_EQ(floor.rate(t(60s)), 0u);
    EXPECT_EQ(floor.shortfall(t(60s)), "the client took 0 bytes/s over the last 60 s of a reply, under min_send_rate 300");
}

TEST(SendRateFloor, ThinkingBetweenCommandsIsNotCounted) {
    SendRateFloor floor(300, 60);
    floor.waiting(t(0s));
    floor.idle(t(30s));  // the reply went out; the client thinks for an hour
    EXPECT_FALSE(floor.below(t(3630s)));
    EXPECT_EQ(floor.time_left(t(3630s)), Clock::duration::max()) << "nothing waits: no deadline";
    floor.waiting(t(3630s));
    EXPECT_EQ(floor.time_left(t(3630s)), 30s);
    EXPECT_FALSE(floor.below(t(3660s) - 1ns));
    EXPECT_TRUE(floor.below(t(3660s)));
}

TEST(SendRateFloor, AClientAtTheFloorGoesOnAndOneUnderItEnds) {
    // Under by more than a slot (1/32 of the window), which may count for it.
    SendRateFloor at(300, 60);
    SendRateFloor under(300, 60);
    at.waiting(t(0s));
    under.waiting(t(0s));
    for (int second = 1; second <= 600; ++second) {
        at.departed(t(std::chrono::seconds(second)), 300);
        under.departed(t(std::chrono::seconds(second)), 290);
        ASSERT_FALSE(at.below(t(std::chrono::seconds(second)))) << second;
        ASSERT_GT(at.time_left(t(std::chrono::seconds(second))), 0s);
    }
    EXPECT_TRUE(under.below(t(600s)));
    EXPECT_GE(at.rate(t(600s)), 300u);
    EXPECT_LT(under.rate(t(600s)), 300u);
}

TEST(SendRateFloor, ABurstCarriesTheClientUntilItLeavesTheWindow) {
    SendRateFloor floor(100, 64);  // slots of 2 s
    floor.waiting(t(0s));
    floor.departed(t(1s), 6400);  // one window's worth, counted at its slot's end, 2 s
    EXPECT_EQ(floor.time_left(t(1s)), 65s);
    EXPECT_FALSE(floor.below(t(66s) - 1ns));
    EXPECT_TRUE(floor.below(t(66s)));
}

TEST(SendRateFloor, TimeLeftIsWhenBelowTurnsTrue) {
    SendRateFloor floor(1000, 10);
    floor.waiting(t(0s));
    const Clock::duration steps[] = {300ms, 1s, 2500ms, 4s, 9s, 11s, 12500ms, 13s};
    const std::uint64_t bytes[] = {6000, 2000, 3000, 1000, 5000, 6000, 100, 2000};
    for (int i = 0; i < 8; ++i) {
        Clock::time_point now = t(steps[i]);
        ASSERT_FALSE(floor.below(now)) << i;
        floor.departed(now, bytes[i]);
        Clock::duration left = floor.time_left(now);
        ASSERT_GT(left, 0s) << i;
        EXPECT_FALSE(floor.below(now + left - 1ns)) << i;
        EXPECT_TRUE(floor.below(now + left)) << i;
    }
}

TEST(SendRateFloor, MemoryStaysFixedHoweverOftenBytesLeave) {
    SendRateFloor floor(1, 10);
    floor.waiting(t(0s));
    for (int ms = 0; ms < 100000; ++ms) {
        floor.departed(t(std::chrono::milliseconds(ms)), 1);
        ASSERT_LE(floor.slots_held(), limits::send_rate_slots + 1);
    }
    EXPECT_EQ(floor.rate(t(100s)), 1000u);
}

}  // namespace
}  // namespace pop3d::session
