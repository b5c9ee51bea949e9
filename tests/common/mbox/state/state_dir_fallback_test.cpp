#include "common/mbox/state/state_dir_fallback.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/support/temp_dir.h"

namespace pop3d::mbox {
namespace {

class StateDirFallback : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root to hand directories to another uid";
        ASSERT_TRUE(tmp_.ok());
        root_ = tmp_.file("state");
    }
    pop3d::testing::TempDir tmp_{0755};
    std::string root_;
};

TEST_F(StateDirFallback, NoneWhenTheOwnerCanMakeTheStateDir) {
    auto r = prepare_state_dir_fallback(tmp_.file(".pop3d"), "/var/mail/x", 4321, 4321, root_);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(*r, "");
    struct stat st;
    EXPECT_NE(::lstat(root_.c_str(), &st), 0);
}

TEST_F(StateDirFallback, NoneWhenTheAdministratorWantsNone) {
    auto r = prepare_state_dir_fallback("", "/var/mail/x", 4321, 4321, root_);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, "");
}

TEST_F(StateDirFallback, MissingHomeGetsAPrivateDirectoryPerMaildrop) {
    auto a = prepare_state_dir_fallback("/nonexistent/home/.pop3d", "/var/mail/a", 4321, 4322, root_);
    ASSERT_TRUE(a.ok()) << a.error().message;
    ASSERT_NE(*a, "");
    EXPECT_EQ(a->rfind(root_ + "/", 0), 0u);
    struct stat st;
    ASSERT_EQ(::lstat(a->c_str(), &st), 0);
    EXPECT_TRUE(S_ISDIR(st.st_mode));
    EXPECT_EQ(st.st_uid, 4321u);
    EXPECT_EQ(st.st_gid, 4322u);
    EXPECT_EQ(st.st_mode & 07777, 0700u);
    ASSERT_EQ(::lstat(root_.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 0u);
    EXPECT_EQ(st.st_mode & 07777, 0711u);

    auto again = prepare_state_dir_fallback("/nonexistent/home/.pop3d", "/var/mail/a", 4321, 4322, root_);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *a);
    auto other = prepare_state_dir_fallback("/nonexistent/home/.pop3d", "/var/mail/b", 4321, 4322, root_);
    ASSERT_TRUE(other.ok());
    EXPECT_NE(*other, *a);
}

TEST_F(StateDirFallback, RefusesAnythingButADirectoryAtTheSpot) {
    auto a = prepare_state_dir_fallback("/nonexistent/.pop3d", "/var/mail/a", 4321, 4321, root_);
    ASSERT_TRUE(a.ok());
    ASSERT_EQ(::rmdir(a->c_str()), 0);
    ASSERT_EQ(::symlink("/etc", a->c_str()), 0);
    auto b = prepare_state_dir_fallback("/nonexistent/.pop3d", "/var/mail/a", 4321, 4321, root_);
    EXPECT_FALSE(b.ok());
    struct stat st;
    ASSERT_EQ(::stat("/etc", &st), 0);
    EXPECT_EQ(st.st_uid, 0u);
}

}  // namespace
}  // namespace pop3d::mbox
