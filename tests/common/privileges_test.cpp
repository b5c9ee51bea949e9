// Each privilege change runs in a forked child, so the test process keeps
// root; the child reports the first check that failed as its exit status.
#include "common/privileges.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <functional>

#include "tests/support/temp_dir.h"

namespace pop3d::privileges {
namespace {

// Runs `body` in a child; returns its exit status (0: every check held).
int in_child(const std::function<int()>& body) {
    pid_t pid = fork();
    if (pid == 0) _exit(body());
    int status = 0;
    if (pid < 0) return 101;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return 102;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

TEST(Privileges, LookupUserAndGroup) {
    auto root = lookup_user("root");
    ASSERT_TRUE(root.ok() && root->has_value());
    EXPECT_EQ((*root)->uid, 0u);
    EXPECT_EQ((*root)->home, "/root");
    // Not found is no error: an empty answer.
    auto none = lookup_user("p3a-no-such-user");
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());
    auto g = lookup_group("root");
    ASSERT_TRUE(g.ok() && g->has_value());
    EXPECT_EQ(**g, 0u);
    auto no_group = lookup_group("p3a-no-such-group");
    ASSERT_TRUE(no_group.ok());
    EXPECT_FALSE(no_group->has_value());
}

TEST(Privileges, DropEverythingForGood) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    auto found = lookup_user("nobody");
    ASSERT_TRUE(found.ok() && found->has_value());
    const Account* nobody = &**found;
    int rc = in_child([&] {
        if (!switch_to(nobody->uid, nobody->gid, {nobody->gid, 42})) return 1;
        if (getuid() != nobody->uid || geteuid() != nobody->uid || getgid() != nobody->gid) return 2;
        gid_t groups[8];
        if (getgroups(8, groups) != 2) return 3;
        if (!drop_all_capabilities()) return 4;
        if (!set_no_new_privs()) return 5;
        if (!disable_core_dumps() || !set_not_dumpable()) return 6;
        if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) return 7;
        if (setuid(0) == 0 || setgid(0) == 0) return 8;
        if (!limit_processes(0)) return 9;
        pid_t p = fork();
        if (p == 0) _exit(0);
        if (p > 0) return 10;  // RLIMIT_NPROC 0 forbids fork
        return 0;
    });
    EXPECT_EQ(rc, 0);
}

TEST(Privileges, SwitchRefusesWhatItCannotDo) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    int rc = in_child([] {
        if (!switch_to(65534, 65534, {})) return 1;
        // No longer root: switching again, to anyone else, must fail.
        if (switch_to(0, 0, {}).ok()) return 2;
        if (switch_to(1, 1, {}).ok()) return 3;
        return 0;
    });
    EXPECT_EQ(rc, 0);
}

TEST(Privileges, ChrootLeavesNothingOutside) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    testing::TempDir dir(0755);
    ASSERT_TRUE(dir.ok());
    int rc = in_child([&] {
        if (!enter_chroot(dir.path())) return 1;
        char cwd[64];
        if (!getcwd(cwd, sizeof cwd) || std::string(cwd) != "/") return 2;
        if (access("/etc/passwd", F_OK) == 0) return 3;
        return 0;
    });
    EXPECT_EQ(rc, 0);
}

}  // namespace
}  // namespace pop3d::privileges
