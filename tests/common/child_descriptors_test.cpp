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
        if (!keep_only_descriptor(keep)) _exit(12);
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

}  // namespace
}  // namespace pop3d
