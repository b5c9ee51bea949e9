#include "common/child_process.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "common/fd_io.h"
#include "common/unique_fd.h"

namespace pop3d {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

sigset_t no_signals() {
    sigset_t none;
    sigemptyset(&none);
    return none;
}

// What the child wrote before it closed its end.
std::string read_from(const UniqueFd& fd) {
    char buf[64];
    auto got = read_up_to(fd.get(), buf, sizeof buf);
    return got ? std::string(buf, *got) : "(read failed: " + got.error().message + ")";
}

TEST(ChildProcess, AFunctionChildGetsItsMapAndItsStatusComesBack) {
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    UniqueFd from_child(p[0]), to_parent(p[1]);
    auto pid = spawn_function(DescriptorMap::only(to_parent.get()), [] {
        // Only 0-2 and the kept one: fd 4 and up are closed.
        if (::fcntl(4, F_GETFD) != -1) return 3;
        return write_all(kept_descriptor, "hi") ? 7 : 2;
    });
    ASSERT_TRUE(pid) << pid.error().message;
    to_parent.reset();
    EXPECT_EQ(read_from(from_child), "hi");
    const ChildEnd end = reap_within(*pid, milliseconds(5000));
    EXPECT_EQ(end.how, ChildEnd::How::exited);
    EXPECT_TRUE(WIFEXITED(end.status));
    EXPECT_EQ(WEXITSTATUS(end.status), 7);
    EXPECT_FALSE(end.succeeded());
}

TEST(ChildProcess, AChildThatOutstaysTheLimitIsKilled) {
    auto pid = spawn_function(DescriptorMap::only(STDERR_FILENO), [] {
        ::pause();
        return 0;
    });
    ASSERT_TRUE(pid);
    const auto start = Clock::now();
    const ChildEnd end = reap_within(*pid, milliseconds(100));
    EXPECT_GE(Clock::now() - start, milliseconds(100));
    EXPECT_EQ(end.how, ChildEnd::How::killed);
    EXPECT_TRUE(WIFSIGNALED(end.status));
    EXPECT_EQ(end.signal(), 0);  // our own SIGKILL is not the child's failure
    EXPECT_EQ(::kill(*pid, 0), -1);  // reaped: the pid is gone
}

TEST(ChildProcess, AChildKilledBySomethingElseSaysBySignal) {
    auto pid = spawn_function(DescriptorMap::only(STDERR_FILENO), [] {
        ::raise(SIGTERM);
        return 0;
    });
    ASSERT_TRUE(pid);
    const ChildEnd end = reap_within(*pid, milliseconds(5000));
    EXPECT_EQ(end.how, ChildEnd::How::exited);
    EXPECT_EQ(end.signal(), SIGTERM);
}

TEST(ChildProcess, AProgramRunsWithItsArgumentsEnvironmentAndDescriptors) {
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    UniqueFd from_child(p[0]), to_parent(p[1]);
    DescriptorMap fds;
    fds.null(0).put(1, to_parent.get()).inherit(2);
    auto pid = spawn_program(ProgramCommand{"/bin/sh", {"sh", "-c", "printf '%s %s' \"$1\" \"$GREETING\"", "sh", "one"},
                                            {"GREETING=hello"}},
                             fds, no_signals());
    ASSERT_TRUE(pid) << pid.error().message;
    to_parent.reset();
    EXPECT_EQ(read_from(from_child), "one hello");
    EXPECT_TRUE(reap_within(*pid, milliseconds(5000)).succeeded());
}

TEST(ChildProcess, AProgramThatCannotRunIsAnError) {
    auto pid = spawn_program(ProgramCommand{"/nonexistent/program", {"program"}, {}}, DescriptorMap::only(2),
                             no_signals());
    ASSERT_FALSE(pid);
    EXPECT_NE(pid.error().message.find("cannot run /nonexistent/program: No such file or directory"),
              std::string::npos)
        << pid.error().message;
}

TEST(ChildProcess, AChildThatEndsBeforeTheLimitIsReapedWhenItEnds) {
    auto pid = spawn_function(DescriptorMap::only(STDERR_FILENO), [] {
        ::usleep(50 * 1000);
        return 0;
    });
    ASSERT_TRUE(pid);
    const auto start = Clock::now();
    EXPECT_TRUE(reap_within(*pid, milliseconds(10000)).succeeded());
    EXPECT_LT(Clock::now() - start, milliseconds(5000));  // not the limit waited out
}

TEST(ChildProcess, ReapingAPidThatIsNotOursIsLost) {
    EXPECT_EQ(reap_within(::getpid(), milliseconds(10)).how, ChildEnd::How::lost);
}

}  // namespace
}  // namespace pop3d
