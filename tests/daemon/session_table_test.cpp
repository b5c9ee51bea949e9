#include "daemon/session_table.h"

#include <gtest/gtest.h>

namespace pop3d::daemon {
namespace {

TEST(SessionTable, RefusesOverThePerAddressLimitButServesOthers) {
    SessionTable t;
    for (pid_t pid = 100; pid < 120; ++pid) {
        ASSERT_EQ(t.admit("127.0.0.1", 500, 20), Admission::admitted);
        t.add(pid, "127.0.0.1");
    }
    EXPECT_EQ(t.admit("127.0.0.1", 500, 20), Admission::too_many_from_address);
    EXPECT_EQ(t.admit("127.0.0.2", 500, 20), Admission::admitted);
    EXPECT_EQ(t.from("127.0.0.1"), 20u);
    EXPECT_EQ(t.total(), 20u);
}

TEST(SessionTable, RefusesOverTheTotalLimit) {
    SessionTable t;
    t.add(1, "10.0.0.1");
    t.add(2, "10.0.0.2");
    EXPECT_EQ(t.admit("10.0.0.3", 2, 20), Admission::too_many_sessions);
    EXPECT_EQ(t.admit("10.0.0.3", 3, 20), Admission::admitted);
}

TEST(SessionTable, AnEndedSessionFreesItsSlot) {
    SessionTable t;
    t.add(7, "::1");
    EXPECT_EQ(t.admit("::1", 10, 1), Admission::too_many_from_address);
    EXPECT_TRUE(t.remove(7));
    EXPECT_EQ(t.admit("::1", 10, 1), Admission::admitted);
    EXPECT_EQ(t.from("::1"), 0u);
    EXPECT_EQ(t.total(), 0u);
}

TEST(SessionTable, UnknownOrRepeatedPidsChangeNothing) {
    SessionTable t;
    t.add(7, "a");
    t.add(7, "b");
    EXPECT_EQ(t.total(), 1u);
    EXPECT_EQ(t.from("b"), 0u);
    EXPECT_FALSE(t.remove(8));
    EXPECT_TRUE(t.remove(7));
    EXPECT_FALSE(t.remove(7));
}

}  // namespace
}  // namespace pop3d::daemon
