#include "authd/hash_slots.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/temp_dir.h"

namespace pop3d::authd {
namespace {

// Whether another process (the slots are host-wide) finds a free slot.
bool other_process_gets_a_slot(const HashSlots& slots) {
    pid_t pid = fork();
    if (pid == 0) _exit(slots.try_acquire().held() ? 0 : 1);
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
    {
        HashSlots::Held a = opened->acquire();
        HashSlots::Held b = second->acquire();
        ASSERT_TRUE(a.held());
        ASSERT_TRUE(b.held());
        EXPECT_FALSE(other_process_gets_a_slot(*other));
    }
    EXPECT_TRUE(other_process_gets_a_slot(*other));
}

TEST(HashSlots, NoneMeansUnbounded) {
    HashSlots none;
    EXPECT_FALSE(none.acquire().held());
    EXPECT_FALSE(none.try_acquire().held());
}

TEST(HashSlots, RefusesADirectoryOthersCanWrite) {
    if (geteuid() != 0) GTEST_SKIP() << "the slot directory must be root's";
    pop3d::testing::TempDir tmp(0777);
    EXPECT_FALSE(HashSlots::open(tmp.path(), 1).ok());
}

}  // namespace
}  // namespace pop3d::authd
