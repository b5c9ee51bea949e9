// pop3d-auth's filter, installed in a child (it applies for good).
#include "authd/syscall_filter.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <string>

#include "tests/support/child_exit.h"
#include "tests/support/temp_dir.h"

namespace pop3d::authd {
namespace {

// The child's wait status after it installed the filter and ran `then`,
// which returns the exit code.
int filtered_child(const std::function<int()>& then) {
    pid_t pid = fork();
    if (pid == 0) {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || !install_syscall_filter()) _exit(90);
        testing::exit_child(then());
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

TEST(AuthSyscallFilter, ReadsFilesButNeverOpensOneForWriting) {
    testing::TempDir dir;
    ASSERT_TRUE(dir.ok());
    std::string path = dir.write("users", "alice:h\n");
    int status = filtered_child([&] {
        int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
        return fd >= 0 ? 0 : 1;
    });
    ASSERT_TRUE(WIFEXITED(status)) << status;
    EXPECT_EQ(WEXITSTATUS(status), 0);
    for (int flags : {O_WRONLY, O_RDWR, O_RDONLY | O_CREAT, O_RDONLY | O_TRUNC}) {
        status = filtered_child([&] {
            int fd = open(path.c_str(), flags | O_CLOEXEC, 0600);
            return fd >= 0 ? 0 : 1;
        });
        EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) << "flags " << flags << ": " << status;
    }
}

TEST(AuthSyscallFilter, NoNewSocketOfAnyKind) {
    for (int family : {AF_UNIX, AF_INET, AF_INET6}) {
        int status = filtered_child([&] {
            int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
            return fd < 0 && errno == EACCES ? 0 : 1;
        });
        ASSERT_TRUE(WIFEXITED(status)) << family << ": " << status;
        EXPECT_EQ(WEXITSTATUS(status), 0) << family;
    }
}

}  // namespace
}  // namespace pop3d::authd
