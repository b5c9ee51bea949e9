#include "common/mbox/locks/session_lock_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/support/temp_dir.h"

namespace pop3d::mbox {
namespace {

TEST(SessionLockKey, MadeOnceOnlyRootCanReadItAndReadTheSameAfterwards) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    pop3d::testing::TempDir dir(0755);
    ASSERT_TRUE(dir.ok());
    const std::string path = dir.path() + "/run/session-lock.key";
    auto first = load_session_lock_key(path);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->view().size(), 32u);
    struct stat st {};
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    EXPECT_EQ(st.st_uid, 0u);
    auto second = load_session_lock_key(path);
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(first->view(), second->view());
    ASSERT_EQ(chmod(path.c_str(), 0644), 0);
    EXPECT_FALSE(load_session_lock_key(path).ok()) << "a key others can read is no key";
}

}  // namespace
}  // namespace pop3d::mbox
