#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <fstream>

#include "common/mbox/locks/session_lock.h"
#include "common/mbox/open.h"
#include "tests/common/mbox/mbox_fixture.h"
#include "tests/support/holding_child.h"

namespace pop3d::mbox {
namespace {

using testing::MboxDir;
using testing::test_mail_config;
using pop3d::testing::HoldingChild;

const std::string two = "From a\nA\n\nFrom b\nB\n";

TEST(MboxLocks, SecondSessionIsInUseUntilTheFirstEnds) {
    MboxDir d;
    d.write(two);
    for (bool with_state : {true, false}) {
        const MailConfig mail = test_mail_config();
        auto first = with_state ? d.open(mail) : d.open_without_state(mail);
        ASSERT_TRUE(first.ok());
        auto second = with_state ? d.open(mail) : d.open_without_state(mail);
        ASSERT_FALSE(second.ok());
        EXPECT_EQ(second.error().kind, ErrorKind::in_use);
        first->reset();
        EXPECT_TRUE((with_state ? d.open(mail) : d.open_without_state(mail)).ok());
    }
}

// Issue 11, item 6: virtual users of one Unix owner share its state
// directory; each maildrop locks only itself.
TEST(MboxLocks, MaildropsSharingAStateDirectoryDoNotLockEachOtherOut) {
    MboxDir a, b;
    a.write(two);
    b.write(two);
    const MailConfig mail = test_mail_config();
    auto first = a.open(mail);
    ASSERT_TRUE(first.ok()) << first.error().message;
    auto second = testing::open_with_state_dir(b, a.state_dir(), mail);
    ASSERT_TRUE(second.ok()) << second.error().message;
    auto again = a.open(mail);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().kind, ErrorKind::in_use);
}

// Without a state directory the lock is an abstract socket, which any local
// user may bind first: its name is keyed with a secret only root can read.
TEST(MboxLocks, TheAbstractLockNameCannotBeComputedWithoutTheKey) {
    const std::string key(32, 'k');
    EXPECT_NE(session_lock_name(1001, "/var/mail/alice", key), session_lock_name(1001, "/var/mail/alice", ""));
    EXPECT_NE(session_lock_name(1001, "/var/mail/alice", key),
              session_lock_name(1001, "/var/mail/alice", std::string(32, 'j')));
    EXPECT_EQ(session_lock_name(1001, "/var/mail/alice", key), session_lock_name(1001, "/var/mail/alice", key));
    MboxDir d;
    d.write(two);
    const MailConfig mail = test_mail_config();
    // A squatter binds the unkeyed name; the keyed session is not kept out.
    int squat = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(squat, 0);
    const std::string name = session_lock_name(::getuid(), d.mbox(), "");
    struct sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path + 1, name.data(), name.size());
    ASSERT_EQ(::bind(squat, reinterpret_cast<struct sockaddr*>(&addr),
                     static_cast<socklen_t>(offsetof(struct sockaddr_un, sun_path) + 1 + name.size())),
              0);
    auto keyed = open_maildrop(OpenRequest{d.mbox(), "", &mail, nullptr, key});
    EXPECT_TRUE(keyed.ok()) << keyed.error().message;
    ::close(squat);
}

// QUIT's reply follows update(), and a client that has it may log in again
// at once: update() lets go of the maildrop, whatever its outcome.
TEST(MboxLocks, AfterUpdateTheNextSessionMayOpenAtOnce) {
    MboxDir d;
    d.write(two);
    for (bool deletes : {false, true}) {
        const MailConfig mail = test_mail_config();
        auto first = d.open(mail);
        ASSERT_TRUE(first.ok());
        ASSERT_TRUE((*first)->update({deletes, false}, 0).ok());
        auto next = d.open(mail);
        ASSERT_TRUE(next.ok()) << next.error().message;
        EXPECT_EQ((*next)->count(), deletes ? 1u : 2u);
    }
}

TEST(MboxLocks, SessionLockVanishesWhenItsProcessDies) {
    MboxDir d;
    d.write(two);
    const MailConfig mail = test_mail_config();
    for (bool with_state : {true, false}) {
        HoldingChild child([&] {
            auto m = with_state ? d.open(mail) : d.open_without_state(mail);
            if (!m.ok()) return false;
            (void)m->release();  // keep it held until the process dies
            return true;
        });
        ASSERT_TRUE(child.holds());
        auto busy = with_state ? d.open(mail) : d.open_without_state(mail);
        ASSERT_FALSE(busy.ok());
        EXPECT_EQ(busy.error().kind, ErrorKind::in_use);
        child.kill();
        EXPECT_TRUE((with_state ? d.open(mail) : d.open_without_state(mail)).ok());
    }
}

TEST(MboxLocks, BetweenOpenAndUpdateTheFileIsNotLocked) {
    MboxDir d;
    d.write(two);
    auto m = d.open(test_mail_config());
    ASSERT_TRUE(m.ok());
    const int fd = ::open(d.mbox().c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_pid = 0;
    ASSERT_EQ(::fcntl(fd, F_GETLK, &fl), 0);
    EXPECT_EQ(fl.l_type, F_UNLCK);
    ::close(fd);
    EXPECT_NE(::access((d.mbox() + ".lock").c_str(), F_OK), 0);
}

TEST(MboxLocks, FcntlLockHeldElsewhereTimesOutAsInUse) {
    MboxDir d;
    d.write(two);
    HoldingChild mda([&] { return pop3d::testing::take_fcntl_write_lock(d.mbox()); });
    ASSERT_TRUE(mda.holds());
    auto r = d.open(test_mail_config());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::in_use);
    mda.kill();
    EXPECT_TRUE(d.open(test_mail_config()).ok());
}

TEST(MboxLocks, LiveDotlockTimesOutAndIsNotLeftBehind) {
    MboxDir d;
    d.write(two);
    {
        std::ofstream lock(d.mbox() + ".lock");
        lock << ::getpid() << "\n";  // a live process: not stale
    }
    auto r = d.open(test_mail_config());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::in_use);
    ASSERT_EQ(::unlink((d.mbox() + ".lock").c_str()), 0);
    auto ok = d.open(test_mail_config());
    ASSERT_TRUE(ok.ok());
    EXPECT_NE(::access((d.mbox() + ".lock").c_str(), F_OK), 0);  // released after indexing
}

TEST(MboxLocks, StaleDotlockOfADeadProcessIsBroken) {
    MboxDir d;
    d.write(two);
    const pid_t dead = ::fork();
    if (dead == 0) ::_exit(0);
    ASSERT_GT(dead, 0);
    ASSERT_EQ(::waitpid(dead, nullptr, 0), dead);
    {
        std::ofstream lock(d.mbox() + ".lock");
        lock << dead << "\n";
    }
    MailConfig mail = test_mail_config();
    mail.lock_timeout = 5;
    auto m = d.open(mail);
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_EQ((*m)->count(), 2u);
}

TEST(MboxLocks, FlockAndLockSessionKeepTheFileLockedForTheSession) {
    MboxDir d;
    d.write(two);
    MailConfig mail = test_mail_config();
    mail.locking = {LockMethod::flock, LockMethod::dotlock};
    mail.lock_session = true;
    auto m = d.open(mail);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(::access((d.mbox() + ".lock").c_str(), F_OK), 0);
    // The update under the locks held since open.
    ASSERT_TRUE((*m)->update({true, false}, 0).ok());
    m->reset();
    EXPECT_NE(::access((d.mbox() + ".lock").c_str(), F_OK), 0);
    EXPECT_EQ(d.read(), "From b\nB\n");
}

TEST(MboxLocks, LockTimeoutAtUpdateDeletesNothing) {
    MboxDir d;
    d.write(two);
    auto m = d.open(test_mail_config());
    ASSERT_TRUE(m.ok());
    {
        std::ofstream lock(d.mbox() + ".lock");
        lock << ::getpid() << "\n";
    }
    const Status st = (*m)->update({true, false}, 0);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::temporary);
    EXPECT_EQ(d.read(), two);
    ::unlink((d.mbox() + ".lock").c_str());
}

}  // namespace
}  // namespace pop3d::mbox
