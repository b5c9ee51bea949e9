#include <fcntl.h>
#include <gtest/gtest.h>
#include <lockfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <random>
#include <thread>

#include "tests/common/mbox/mbox_fixture.h"
#include "tests/common/mbox/mbox_gen.h"

namespace pop3d::mbox {
namespace {

using testing::MboxDir;
using testing::read_all;
using testing::test_mail_config;

std::unique_ptr<Maildrop> open_ok(const MboxDir& d, const MailConfig& mail = test_mail_config()) {
    auto r = d.open(mail);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(*r) : nullptr;
}

std::vector<std::string> contents_of(Maildrop& m) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < m.count(); ++i) out.push_back(read_all(m, i));
    return out;
}

std::string message(const std::string& tag) {
    return "From " + tag + "@example.org Mon Nov 23 10:00:00 2026\nSubject: " + tag + "\n\nbody of " + tag + "\n\n";
}

TEST(MboxUpdate, RandomDeleteSetsKeepEveryOtherMessageExactly) {
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        std::mt19937_64 rng(seed * 7919);
        const auto box = testing::random_mbox(rng, 1 + rng() % 10);
        MboxDir d;
        d.write(box.file);
        std::vector<bool> deleted(box.messages.size());
        std::vector<std::string> kept_contents, kept_ids;
        {
            auto m = open_ok(d);
            ASSERT_TRUE(m);
            ASSERT_EQ(m->count(), box.messages.size());
            for (std::size_t i = 0; i < deleted.size(); ++i) {
                deleted[i] = rng() % 3 == 0;
                if (deleted[i]) continue;
                kept_contents.push_back(box.messages[i].content);
                kept_ids.emplace_back(m->unique_id(i));
            }
            const Status st = m->update(deleted, 0);
            ASSERT_TRUE(st.ok()) << st.error().message;
        }
        for (bool with_state : {true, false}) {
            auto r = with_state ? d.open(test_mail_config()) : d.open_without_state(test_mail_config());
            ASSERT_TRUE(r.ok()) << r.error().message;
            ASSERT_EQ(contents_of(**r), kept_contents) << "seed " << seed;
            if (with_state) {
                for (std::size_t i = 0; i < kept_ids.size(); ++i)
                    EXPECT_EQ((*r)->unique_id(i), kept_ids[i]) << "seed " << seed;
            }
        }
    }
}

TEST(MboxUpdate, MailAppendedDuringTheSessionIsKept) {
    MboxDir d;
    d.write(message("a") + message("b"));
    auto m = open_ok(d);
    ASSERT_TRUE(m);
    d.append(message("c"));
    ASSERT_TRUE(m->update({true, false}, 0).ok());
    m.reset();
    EXPECT_EQ(d.read(), message("b") + message("c"));
}

TEST(MboxUpdate, ChangeByAnotherProgramDeletesNothing) {
    MboxDir d;
    const std::string original = message("a") + message("b");
    d.write(original);
    auto m = open_ok(d);
    ASSERT_TRUE(m);
    std::string changed = original;
    changed[changed.find("Subject: b") + 9] = 'B';  // same size, other bytes
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    d.write(changed);
    const Status st = m->update({true, false}, 0);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::temporary);
    EXPECT_EQ(d.read(), changed);
}

TEST(MboxUpdate, ReplacedFileDeletesNothing) {
    MboxDir d;
    d.write(message("a") + message("b"));
    auto m = open_ok(d);
    ASSERT_TRUE(m);
    {
        std::ofstream f(d.mbox() + ".new", std::ios::binary);
        f << message("a") + message("b");
    }
    ASSERT_EQ(::rename((d.mbox() + ".new").c_str(), d.mbox().c_str()), 0);
    const Status st = m->update({true, false}, 0);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().kind, ErrorKind::temporary);
    EXPECT_EQ(d.read(), message("a") + message("b"));
}

TEST(MboxUpdate, SessionWithoutUpdateDeletesNothing) {
    MboxDir d;
    d.write(message("a"));
    { auto m = open_ok(d); }
    EXPECT_EQ(d.read(), message("a"));
}

TEST(MboxUpdate, KeepsOwnerGroupAndMode) {
    MboxDir d;
    d.write(message("a") + message("b"));
    ASSERT_EQ(::chmod(d.mbox().c_str(), 0640), 0);
    ASSERT_EQ(::chown(d.mbox().c_str(), 12345, 8), 0);  // root in the tests
    auto m = open_ok(d);
    ASSERT_TRUE(m);
    ASSERT_TRUE(m->update({false, true}, 0).ok());
    struct stat st;
    ASSERT_EQ(::stat(d.mbox().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
    EXPECT_EQ(st.st_uid, 12345u);
    EXPECT_EQ(st.st_gid, 8u);
    EXPECT_EQ(d.read(), message("a"));
}

TEST(MboxUpdate, LastSurvivesSessionsAndRenumbering) {
    MboxDir d;
    d.write(message("a") + message("b") + message("c"));
    {
        auto m = open_ok(d);
        ASSERT_TRUE(m);
        EXPECT_EQ(m->initial_last(), 0u);
        ASSERT_TRUE(m->update({false, false, false}, 2).ok());
    }
    {
        auto m = open_ok(d);
        ASSERT_TRUE(m);
        EXPECT_EQ(m->initial_last(), 2u);
        ASSERT_TRUE(m->update({true, false, false}, 3).ok());  // c accessed, a deleted
    }
    {
        auto m = open_ok(d);
        ASSERT_TRUE(m);
        EXPECT_EQ(m->initial_last(), 2u);  // c is now message 2
        ASSERT_TRUE(m->update({false, true}, 2).ok());  // the last one accessed is deleted
    }
    auto m = open_ok(d);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->initial_last(), 1u);
}

TEST(MboxUpdate, DuplicateKeepsItsIdWhenAnEarlierCopyIsDeleted) {
    MboxDir d;
    d.write(message("same") + message("same") + message("same"));
    std::vector<std::string> ids;
    {
        auto m = open_ok(d);
        ASSERT_TRUE(m);
        for (std::size_t i = 0; i < 3; ++i) ids.emplace_back(m->unique_id(i));
        ASSERT_TRUE(m->update({true, false, false}, 0).ok());
    }
    d.append(message("same"));  // a new identical copy
    auto m = open_ok(d);
    ASSERT_TRUE(m);
    ASSERT_EQ(m->count(), 3u);
    EXPECT_EQ(m->unique_id(0), ids[1]);
    EXPECT_EQ(m->unique_id(1), ids[2]);
    // Not the id a client saw deleted, nor one still present.
    EXPECT_EQ(m->unique_id(2), ids[0] + ".4");
}

// A delivery agent appending with fcntl + dotlock, as Debian's do, while
// sessions delete: every message delivered is there exactly once at the end.
TEST(MboxUpdate, ConcurrentDeliveryLosesNothing) {
    MboxDir d;
    constexpr int initial = 30, delivered = 60;
    std::string file;
    for (int i = 0; i < initial; ++i) file += message("old" + std::to_string(i));
    d.write(file);
    const pid_t mda = ::fork();
    if (mda == 0) {
        const std::string lock = d.mbox() + ".lock";
        for (int k = 0; k < delivered; ++k) {
            const int fd = ::open(d.mbox().c_str(), O_WRONLY | O_APPEND);
            if (fd < 0) ::_exit(2);
            struct flock fl {};
            fl.l_type = F_WRLCK;
            fl.l_whence = SEEK_SET;
            if (::fcntl(fd, F_SETLKW, &fl) != 0) ::_exit(3);
            int tries = 0;
            while (lockfile_create(lock.c_str(), 0, L_PID) != L_SUCCESS) {
                if (++tries > 2000) ::_exit(4);
                ::usleep(1000);
            }
            const std::string m = message("new" + std::to_string(k));
            if (::write(fd, m.data(), m.size()) != static_cast<ssize_t>(m.size())) ::_exit(5);
            lockfile_remove(lock.c_str());
            ::close(fd);  // releases the fcntl lock
            ::usleep(3000);
        }
        ::_exit(0);
    }
    ASSERT_GT(mda, 0);
    int next_old = 0, rounds = 0, status = 0;
    bool mda_done = false;
    while ((!mda_done || next_old < initial) && rounds < 500) {
        ++rounds;
        if (!mda_done && ::waitpid(mda, &status, WNOHANG) == mda) mda_done = true;
        auto r = d.open(test_mail_config());
        if (!r.ok()) continue;  // locked by the MDA past the timeout: try again
        Maildrop& m = **r;
        std::vector<bool> del(m.count());
        for (std::size_t i = 0; i < m.count() && next_old < initial; ++i) {
            if (read_all(m, i).find("body of old" + std::to_string(next_old) + "\n") != std::string::npos) {
                del[i] = true;
                ++next_old;
                break;
            }
        }
        if (m.update(del, 0).ok()) continue;
        // A failed update deleted nothing: count that message again.
        if (std::find(del.begin(), del.end(), true) != del.end()) --next_old;
    }
    if (!mda_done) {
        ASSERT_EQ(::waitpid(mda, &status, 0), mda);
    }
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    std::string expected;
    for (int k = 0; k < delivered; ++k) expected += message("new" + std::to_string(k));
    auto m = open_ok(d);
    ASSERT_TRUE(m);
    std::string got;
    for (std::size_t i = 0; i < m->count(); ++i) got += read_all(*m, i);
    std::string want;
    for (int k = 0; k < delivered; ++k) want += "Subject: new" + std::to_string(k) + "\n\nbody of new" + std::to_string(k) + "\n";
    EXPECT_EQ(next_old, initial);
    EXPECT_EQ(got, want);
    EXPECT_EQ(d.read(), expected);
}

}  // namespace
}  // namespace pop3d::mbox
