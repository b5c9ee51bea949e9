#include "authd/hash_slots.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace pop3d::authd {
namespace {

// An address whose slots do not overlap those of `other` among `count`.
std::string address_apart_from(const std::string& other, std::size_t count) {
    auto theirs = slots_for_client(other, count);
    for (int i = 1; i < 1000; ++i) {
        std::string candidate = "192.0.2." + std::to_string(i);
        bool apart = true;
        for (std::size_t s : slots_for_client(candidate, count))
            for (std::size_t t : theirs) apart = apart && s != t;
        if (apart) return candidate;
    }
    return "";
}

// Whether another process (the slots are host-wide) finds a free slot.
bool other_process_gets_a_slot(const HashSlots& slots, const std::string& client) {
    pid_t pid = fork();
    if (pid == 0) _exit(slots.try_acquire(client).held() ? 0 : 1);
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

TEST(HashSlots, BoundHowManyProcessesHashAtOnce) {
    if (geteuid() != 0) GTEST_SKIP() << "the slot directory must be root's";
    pop3d::testing::TempDir tmp(0755);
    auto opened = HashSlots::open(tmp.file("slots"), 2);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    // Every pop3d-auth opens the same files; each holds one slot at a time.
    auto second = HashSlots::open(tmp.file("slots"), 2);
    auto other = HashSlots::open(tmp.file("slots"), 2);
    ASSERT_TRUE(second.ok());
    ASSERT_TRUE(other.ok());
    const std::string x = "198.51.100.7", y = address_apart_from(x, 2);
    ASSERT_FALSE(y.empty());
    {
        HashSlots::Held a = opened->acquire(x);
        HashSlots::Held b = second->acquire(y);
        ASSERT_TRUE(a.held());
        ASSERT_TRUE(b.held());
        EXPECT_FALSE(other_process_gets_a_slot(*other, x));
        EXPECT_FALSE(other_process_gets_a_slot(*other, y));
    }
    EXPECT_TRUE(other_process_gets_a_slot(*other, x));
}

// Issue 11, item 3: one address trying passwords on many connections holds
// at most half the slots; another address still hashes at once.
TEST(HashSlots, OneAddressCannotHoldThemAll) {
    if (geteuid() != 0) GTEST_SKIP() << "the slot directory must be root's";
    pop3d::testing::TempDir tmp(0755);
    std::vector<HashSlots> pop3d_auths;
    for (int i = 0; i < 4; ++i) {
        auto opened = HashSlots::open(tmp.file("slots"), 4);
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        pop3d_auths.push_back(std::move(*opened));
    }
    const std::string attacker = "203.0.113.9";
    std::vector<HashSlots::Held> held;
    for (int i = 0; i < 3; ++i) {
        HashSlots::Held h = pop3d_auths[static_cast<std::size_t>(i)].try_acquire(attacker);
        if (h.held()) held.push_back(std::move(h));
    }
    EXPECT_EQ(held.size(), 2u);
    const std::string other = address_apart_from(attacker, 4);
    ASSERT_FALSE(other.empty());
    EXPECT_TRUE(other_process_gets_a_slot(pop3d_auths[3], other));
    EXPECT_EQ(slots_for_client(attacker, 1).size(), 1u);
}

TEST(HashSlots, NoneMeansUnbounded) {
    HashSlots none;
    EXPECT_FALSE(none.acquire("192.0.2.1").held());
    EXPECT_FALSE(none.try_acquire("192.0.2.1").held());
}

TEST(HashSlots, RefusesADirectoryOthersCanWrite) {
    if (geteuid() != 0) GTEST_SKIP() << "the slot directory must be root's";
    pop3d::testing::TempDir tmp(0777);
    EXPECT_FALSE(HashSlots::open(tmp.path(), 1).ok());
}

}  // namespace
}  // namespace pop3d::authd
