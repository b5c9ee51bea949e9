#include "common/child_descriptors.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "tests/support/proc_status.h"

namespace pop3d {
namespace {

std::string target_of(int fd) {
    char buf[256] = {};
    std::string link = "/proc/self/fd/" + std::to_string(fd);
    return ::readlink(link.c_str(), buf, sizeof buf - 1) > 0 ? std::string(buf) : std::string();
}

// In a child, with the kept descriptor first moved to `at`: afterwards only
// 0-2 (/dev/null) and 3 (the pipe) are open, and 3 still reaches the parent.
void check_keeping_from(int at) {
    int p[2];
    ASSERT_EQ(::pipe(p), 0);
    pid_t pid = ::fork();
    if (pid == 0) {
        int keep = p[1];
        if (at >= 0 && (::dup2(p[1], at) < 0 || (at != p[1] && ::close(p[1]) != 0))) _exit(10);
        if (at >= 0) keep = at;
        if (::open("/dev/null", O_RDONLY) < 0) _exit(11);  // something else open
        if (!DescriptorMap::only(keep).apply()) _exit(12);
        if (pop3d::testing::open_descriptor_count() != 4) _exit(13);
        for (int fd = 0; fd <= 2; ++fd)
            if (target_of(fd) != "/dev/null") _exit(14);
        if (::write(kept_descriptor, "k", 1) != 1) _exit(15);
        _exit(0);
    }
    ::close(p[1]);
    char c = 0;
    EXPECT_EQ(::read(p[0], &c, 1), 1);
    EXPECT_EQ(c, 'k');
    ::close(p[0]);
    int status = -1;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "kept from fd " << at;
}

TEST(ChildDescriptors, OnlyTheKeptOneSurvivesWhateverItsNumber) {
    for (int at : {-1, 0, 1, 3, 4, 20}) check_keeping_from(at);
}

// Two sources that sit on each other's targets are swapped, not lost; an
// inherited number the parent has closed stays closed; the rest is closed.
TEST(ChildDescriptors, SwapsSourcesOnEachOthersTargetsAndClosesTheRest) {
    pid_t pid = ::fork();
    if (pid == 0) {
        int a[2], b[2];
        if (::pipe(a) != 0 || ::pipe(b) != 0) _exit(10);
        // The read ends first move out of the way of 5 and 6.
        const int a_read = ::fcntl(a[0], F_DUPFD, 40), b_read = ::fcntl(b[0], F_DUPFD, 40);
        const int a_write = ::fcntl(a[1], F_DUPFD, 40), b_write = ::fcntl(b[1], F_DUPFD, 40);
        if (a_read < 0 || b_read < 0 || a_write < 0 || b_write < 0) _exit(10);
        if (::dup2(a_write, 5) != 5 || ::dup2(b_write, 6) != 6) _exit(11);
        ::close(7);
        // The read ends are kept on 8 and 9 to check what arrives.
        DescriptorMap map;
        map.put(6, 5).put(5, 6).inherit(7).put(8, a_read).put(9, b_read);
        if (!map.apply()) _exit(12);
        // 5 now reaches pipe b, 6 pipe a.
        if (::write(5, "b", 1) != 1 || ::write(6, "a", 1) != 1) _exit(13);
        char c = 0;
        if (::read(9, &c, 1) != 1 || c != 'b' || ::read(8, &c, 1) != 1 || c != 'a') _exit(14);
        if (::fcntl(7, F_GETFD) != -1) _exit(15);
        if (::fcntl(a_read, F_GETFD) != -1 || ::fcntl(5, F_GETFD) != 0) _exit(16);
        _exit(0);
    }
    int status = -1;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(ChildDescriptors, RefusesAMapItCannotHonour) {
    DescriptorMap twice;
    twice.null(3).null(3);
    EXPECT_FALSE(twice.apply());
    DescriptorMap too_high;
    too_high.null(DescriptorMap::first_spare);
    EXPECT_FALSE(too_high.apply());
}

}  // namespace
}  // namespace pop3d
