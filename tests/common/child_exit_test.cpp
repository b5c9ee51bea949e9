// Waiting for a child: at once when it exits, no longer than the deadline
// when it does not, and a clear answer for a pid that is not a child.
#include "common/child_exit.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

namespace pop3d {
namespace {

using Clock = std::chrono::steady_clock;

pid_t child_that(int exit_status, int sleep_millis) {
    pid_t pid = fork();
    if (pid == 0) {
        if (sleep_millis > 0) usleep(static_cast<useconds_t>(sleep_millis) * 1000);
        _exit(exit_status);
    }
    return pid;
}

TEST(ChildExit, AChildThatExitsIsReapedWithoutWaitingOutTheDeadline) {
    pid_t pid = child_that(7, 0);
    ASSERT_GT(pid, 0);
    int status = 0;
    auto start = Clock::now();
    EXPECT_EQ(wait_for_child(pid, start + std::chrono::seconds(10), &status), ChildWait::exited);
    EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 7);
}

TEST(ChildExit, AChildThatExitsLaterIsSeenWhenItExits) {
    pid_t pid = child_that(0, 50);
    ASSERT_GT(pid, 0);
    int status = -1;
    EXPECT_EQ(wait_for_child(pid, Clock::now() + std::chrono::seconds(10), &status), ChildWait::exited);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(ChildExit, AChildStillRunningAtTheDeadlineIsLeftRunning) {
    pid_t pid = child_that(0, 10 * 1000);
    ASSERT_GT(pid, 0);
    int status = 0;
    EXPECT_EQ(wait_for_child(pid, Clock::now() + std::chrono::milliseconds(30), &status), ChildWait::running);
    EXPECT_EQ(kill(pid, 0), 0);  // not reaped: still there to be killed
    kill(pid, SIGKILL);
    EXPECT_EQ(wait_for_child(pid, Clock::now() + std::chrono::seconds(10), &status), ChildWait::exited);
    EXPECT_TRUE(WIFSIGNALED(status));
}

TEST(ChildExit, APidThatIsNoChildIsGone) {
    int status = 0;
    EXPECT_EQ(wait_for_child(getppid(), Clock::now() + std::chrono::seconds(1), &status), ChildWait::gone);
    pid_t pid = child_that(0, 0);
    ASSERT_GT(pid, 0);
    ASSERT_EQ(wait_for_child(pid, Clock::now() + std::chrono::seconds(10), &status), ChildWait::exited);
    EXPECT_EQ(wait_for_child(pid, Clock::now() + std::chrono::seconds(1), &status), ChildWait::gone);
}

}  // namespace
}  // namespace pop3d
