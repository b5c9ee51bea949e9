// The mbox engine as it runs in production: as the mailbox owner, without
// the mail group, on /var/mail/USER, so that the dotlock can only be made by
// liblockfile's setgid helper.
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "common/mbox/open.h"
#include "tests/support/test_user.h"

namespace pop3d::mbox {
namespace {

// Runs body in a child process that has become the user; returns the
// child's exit status (0 when body returned true).
template <class F>
int as_user(const pop3d::testing::TestUser& user, F body) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (::setgroups(0, nullptr) != 0 || ::setgid(user.gid()) != 0 || ::setuid(user.uid()) != 0)
            ::_exit(10);
        ::_exit(body() ? 0 : 1);
    }
    int status = -1;
    if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

TEST(MboxAsUser, LocksThroughTheSetgidHelperAndUpdates) {
    std::string why;
    auto user = pop3d::testing::TestUser::create("p3m-reader", "pw", &why);
    if (!user) GTEST_SKIP() << why;
    ASSERT_TRUE(user->write_maildrop("From a\nSubject: a\n\nA\n\nFrom b\nSubject: b\n\nB\n"));
    MailConfig mail;
    mail.lock_timeout = 1;
    const OpenRequest request{user->maildrop(), user->home() + "/.pop3d", &mail};
    const std::string lock = user->maildrop() + ".lock";

    EXPECT_EQ(as_user(*user, [&] {
        if (::access("/var/mail", W_OK) == 0) return false;  // the helper must be needed
        auto m = open_maildrop(request);
        if (!m.ok() || (*m)->count() != 2 || ::access(lock.c_str(), F_OK) == 0) return false;
        return (*m)->update({true, false}, 1).ok() && ::access(lock.c_str(), F_OK) != 0;
    }), 0);
    EXPECT_EQ(user->read_maildrop(), "From b\nSubject: b\n\nB\n");

    // A delivery agent's live dotlock makes the open wait, then give up.
    {
        std::ofstream f(lock);
        f << ::getpid() << "\n";
    }
    EXPECT_EQ(as_user(*user, [&] {
        auto m = open_maildrop(request);
        return !m.ok() && m.error().kind == ErrorKind::in_use;
    }), 0);
    ::unlink(lock.c_str());
}

}  // namespace
}  // namespace pop3d::mbox
