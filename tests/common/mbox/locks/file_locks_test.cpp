// The real lock attempts behind the acquisition loop: the holder a busy lock
// names, liblockfile's stale dotlocks removed and reported, nothing left
// held after a timeout.
#include "common/mbox/locks/file_locks.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <lockfile.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "common/mbox/locks/dotlock.h"
#include "tests/support/holding_child.h"
#include "tests/support/temp_dir.h"

namespace pop3d::mbox {
namespace {

using pop3d::testing::HoldingChild;
using pop3d::testing::TempDir;

bool exists(const std::string& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
}

void write_lock(const std::string& path, const std::string& contents) {
    std::ofstream out(path, std::ios::trunc);
    out << contents;
}

// A pid that was just reaped: no process has it.
pid_t dead_pid() {
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    ::waitpid(pid, nullptr, 0);
    return pid;
}

class FileLocksTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(dir_.ok());
        mbox_ = dir_.write("mbox", "From a\nA\n");
        lock_ = mbox_ + ".lock";
        fd_ = ::open(mbox_.c_str(), O_RDWR | O_CLOEXEC);
        ASSERT_GE(fd_, 0);
    }
    void TearDown() override {
        if (fd_ >= 0) ::close(fd_);
    }

    TempDir dir_{0700};
    std::string mbox_, lock_;
    int fd_ = -1;
};

TEST_F(FileLocksTest, DotlockHolderIsThePidWrittenInTheLock) {
    write_lock(lock_, "812\n");
    EXPECT_EQ(dotlock_holder(lock_), 812);
    write_lock(lock_, "0");  // procmail writes no pid
    EXPECT_EQ(dotlock_holder(lock_), 0);
    write_lock(lock_, "x12");
    EXPECT_EQ(dotlock_holder(lock_), 0);
    write_lock(lock_, "99999999999999\n");
    EXPECT_EQ(dotlock_holder(lock_), 0);
    ASSERT_EQ(::unlink(lock_.c_str()), 0);
    EXPECT_EQ(dotlock_holder(lock_), 0);
    ASSERT_EQ(::mkfifo(lock_.c_str(), 0600), 0);  // read without hanging
    EXPECT_EQ(dotlock_holder(lock_), 0);
}

TEST_F(FileLocksTest, LiveDotlockIsBusyAndNamesItsHolder) {
    write_lock(lock_, std::to_string(::getppid()) + "\n");
    const DotlockAttempt a = try_dotlock(lock_);
    EXPECT_EQ(a.code, L_MAXTRYS);
    EXPECT_EQ(a.holder, ::getppid());
    EXPECT_FALSE(a.stale_removed);

    auto locks = FileLocks::take(fd_, mbox_, {LockMethod::dotlock, LockMethod::fcntl}, 1);
    ASSERT_FALSE(locks.ok());
    EXPECT_EQ(locks.error().kind, ErrorKind::in_use);
    EXPECT_NE(locks.error().message.find("dotlock held by pid " + std::to_string(::getppid())), std::string::npos)
        << locks.error().message;
}

TEST_F(FileLocksTest, DotlockOfADeadPidIsRemovedAndReported) {
    const pid_t dead = dead_pid();
    write_lock(lock_, std::to_string(dead) + "\n");
    auto locks = FileLocks::take(fd_, mbox_, {LockMethod::dotlock, LockMethod::fcntl}, 1);
    ASSERT_TRUE(locks.ok()) << locks.error().message;
    EXPECT_EQ(dotlock_holder(lock_), ::getpid());  // ours now
    ASSERT_EQ((*locks)->wait().notes.size(), 1u);
    EXPECT_EQ((*locks)->wait().notes[0],
              "removed stale dotlock " + lock_ + " (its pid " + std::to_string(dead) + " is gone)");
    locks->reset();
    EXPECT_FALSE(exists(lock_));
}

// A lock without a pid (procmail's) is stale after liblockfile's 5 minutes,
// not before.
TEST_F(FileLocksTest, PidlessDotlockIsStaleOnlyWhenOld) {
    write_lock(lock_, "0");
    DotlockAttempt young = try_dotlock(lock_);
    EXPECT_EQ(young.code, L_MAXTRYS);
    EXPECT_EQ(young.holder, 0);

    const struct timeval old[2] = {{::time(nullptr) - 400, 0}, {::time(nullptr) - 400, 0}};
    ASSERT_EQ(::utimes(lock_.c_str(), old), 0);
    DotlockAttempt a = try_dotlock(lock_);
    ASSERT_EQ(a.code, L_SUCCESS);
    EXPECT_TRUE(a.stale_removed);
    EXPECT_EQ(a.stale_pid, 0);
    EXPECT_GE(a.stale_age_seconds, 399);
    EXPECT_LT(a.stale_age_seconds, 500);
    EXPECT_EQ(stale_dotlock_note(lock_, a).rfind("removed stale dotlock " + lock_ + " (no pid in it, ", 0), 0u);
    EXPECT_EQ(lockfile_remove(lock_.c_str()), 0);
}

// fcntl held by another process: busy, named by F_GETLK's pid, and the
// dotlock taken before it is not left behind after the timeout.
TEST_F(FileLocksTest, FcntlHolderIsNamedAndTheDotlockIsLetGo) {
    HoldingChild holder([&] { return pop3d::testing::take_fcntl_write_lock(mbox_); });
    ASSERT_TRUE(holder.holds());
    const pid_t holder_pid = holder.pid();

    auto locks = FileLocks::take(fd_, mbox_, {LockMethod::dotlock, LockMethod::fcntl}, 1);
    holder.kill();
    ASSERT_FALSE(locks.ok());
    EXPECT_EQ(locks.error().kind, ErrorKind::in_use);
    EXPECT_EQ(locks.error().message,
              "mbox " + mbox_ + " stayed locked for 1 s (fcntl lock held by pid " + std::to_string(holder_pid) + ")");
    EXPECT_FALSE(exists(lock_));

    auto now = FileLocks::take(fd_, mbox_, {LockMethod::dotlock, LockMethod::fcntl}, 1);
    ASSERT_TRUE(now.ok()) << now.error().message;
    EXPECT_EQ((*now)->wait().rounds, 1u);
    EXPECT_TRUE(exists(lock_));
}

}  // namespace
}  // namespace pop3d::mbox
