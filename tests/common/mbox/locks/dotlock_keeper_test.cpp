#include "common/mbox/locks/dotlock_keeper.h"

#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <lockfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "common/mbox/locks/file_locks.h"
#include "tests/support/proc_status.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_user.h"

namespace pop3d::mbox {
namespace {

bool exists(const std::string& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
}

// A spool like Debian's /var/mail: root:mail 2775, which the user cannot write.
class DotlockKeeperTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string why;
        user_ = pop3d::testing::TestUser::create("p3k-keeper", "keeper-pw", &why);
        if (!user_) GTEST_SKIP() << why;
        struct group* mail = ::getgrnam("mail");
        ASSERT_NE(mail, nullptr);
        mail_gid_ = mail->gr_gid;
        ASSERT_TRUE(spool_.ok());
        ASSERT_EQ(::chown(spool_.path().c_str(), 0, mail_gid_), 0);
        ASSERT_EQ(::chmod(spool_.path().c_str(), 02775), 0);
        mbox_ = spool_.file("p3k-keeper");
        lock_ = mbox_ + ".lock";
    }

    std::unique_ptr<pop3d::testing::TestUser> user_;
    pop3d::testing::TempDir spool_{0755};
    gid_t mail_gid_ = 0;
    std::string mbox_, lock_;
};

TEST_F(DotlockKeeperTest, SpoolGroupIsNeededOnlyWhereTheUserCannotWrite) {
    EXPECT_EQ(dotlock_spool_group(mbox_, user_->uid()), mail_gid_);
    EXPECT_EQ(dotlock_spool_group(user_->home() + "/Mailbox", user_->uid()), std::nullopt);
    EXPECT_EQ(dotlock_spool_group("/nonexistent/dir/mbox", user_->uid()), std::nullopt);
}

TEST_F(DotlockKeeperTest, NoSpoolGroupThroughASymlinkTheUserMade) {
    std::string link = user_->home() + "/spool";
    ASSERT_EQ(::symlink(spool_.path().c_str(), link.c_str()), 0);
    EXPECT_EQ(dotlock_spool_group(link + "/p3k-keeper", user_->uid()), std::nullopt);
}

TEST_F(DotlockKeeperTest, MakesAndRemovesTheLockAndHoldsNoPrivilege) {
    auto keeper = DotlockKeeper::start(lock_, user_->uid(), mail_gid_);
    ASSERT_TRUE(keeper.ok()) << keeper.error().message;
    ASSERT_EQ((*keeper)->create().code, L_SUCCESS);
    EXPECT_TRUE(exists(lock_));

    auto st = pop3d::testing::proc_status((*keeper)->pid());
    std::string uid = std::to_string(user_->uid());
    std::string gid = std::to_string(mail_gid_);
    EXPECT_EQ(st["Uid"], uid + "\t" + uid + "\t" + uid + "\t" + uid);
    EXPECT_EQ(st["Gid"], gid + "\t" + gid + "\t" + gid + "\t" + gid);
    EXPECT_EQ(st["Groups"], "");
    EXPECT_EQ(st["CapPrm"], "0000000000000000");
    EXPECT_EQ(st["CapEff"], "0000000000000000");
    EXPECT_EQ(st["NoNewPrivs"], "1");

    // A second session's keeper finds the lock held by a live process.
    auto other = DotlockKeeper::start(lock_, user_->uid(), mail_gid_);
    ASSERT_TRUE(other.ok());
    EXPECT_EQ((*other)->create().code, L_MAXTRYS);

    EXPECT_EQ((*keeper)->remove(), 0);
    EXPECT_FALSE(exists(lock_));
    EXPECT_EQ((*other)->create().code, L_SUCCESS);
}

// A stale lock (its pid dead) is removed by the keeper by liblockfile's
// rules, and the keeper says so, so that the session can log it; a live one
// is reported with its holder.
TEST_F(DotlockKeeperTest, ReportsAStaleLockItRemovedAndTheHolderOfALiveOne) {
    const pid_t dead = ::fork();
    if (dead == 0) ::_exit(0);
    ASSERT_GT(dead, 0);
    ASSERT_EQ(::waitpid(dead, nullptr, 0), dead);
    {
        std::ofstream lock(lock_);
        lock << dead << "\n";
    }
    auto keeper = DotlockKeeper::start(lock_, user_->uid(), mail_gid_);
    ASSERT_TRUE(keeper.ok());
    const DotlockAttempt a = (*keeper)->create();
    ASSERT_EQ(a.code, L_SUCCESS);
    EXPECT_TRUE(a.stale_removed);
    EXPECT_EQ(a.stale_pid, dead);

    auto other = DotlockKeeper::start(lock_, user_->uid(), mail_gid_);
    ASSERT_TRUE(other.ok());
    const DotlockAttempt b = (*other)->create();
    EXPECT_EQ(b.code, L_MAXTRYS);
    EXPECT_EQ(b.holder, (*keeper)->pid());
    EXPECT_FALSE(b.stale_removed);
}

TEST_F(DotlockKeeperTest, LockGoesAwayWithTheSession) {
    {
        auto keeper = DotlockKeeper::start(lock_, user_->uid(), mail_gid_);
        ASSERT_TRUE(keeper.ok());
        ASSERT_EQ((*keeper)->create().code, L_SUCCESS);
        ASSERT_TRUE(exists(lock_));
    }
    EXPECT_FALSE(exists(lock_));
}

TEST_F(DotlockKeeperTest, FileLocksTakeTheDotlockThroughTheKeeper) {
    int fd = ::open(mbox_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    auto keeper = DotlockKeeper::start(lock_, user_->uid(), mail_gid_);
    ASSERT_TRUE(keeper.ok());
    {
        auto locks = FileLocks::take(fd, mbox_, {LockMethod::dotlock, LockMethod::fcntl}, 1, keeper->get());
        ASSERT_TRUE(locks.ok()) << locks.error().message;
        EXPECT_TRUE(exists(lock_));
    }
    EXPECT_FALSE(exists(lock_));
    ::close(fd);
}

}  // namespace
}  // namespace pop3d::mbox
