// The mbox engine logs nothing itself: what a caller should log comes back
// as notes (common/mbox/notes.h), each once, with the text the log (and
// tests/e2e/mda_locking_test.cpp) reads.
#include "common/mbox/notes.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "common/mbox/locks/file_locks.h"
#include "common/mbox/open.h"
#include "common/mbox/update/rewrite.h"
#include "common/mbox/update/rewrite_engine.h"
#include "tests/common/mbox/mbox_fixture.h"
#include "tests/common/mbox/update/rewrite_fixture.h"

namespace pop3d::mbox {
namespace {

using test::FaultIo;
using test::TempDir;

const std::string mail = "From a@example.org Mon Nov 23 10:00:00 2026\n\nA\n\n"
                         "From b@example.org Mon Nov 23 10:00:00 2026\n\nB\n\n"
                         "From c@example.org Mon Nov 23 10:00:00 2026\n\nC\n";

const std::uint64_t b_at = mail.find("From b");
const std::uint64_t c_at = mail.find("From c");

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

// Every call as the system makes it, but the access time cannot be set.
class NoTimesIo final : public RewriteIo {
public:
    ssize_t pread(int fd, void* buf, std::size_t n, std::uint64_t off) override { return sys().pread(fd, buf, n, off); }
    ssize_t pwrite(int fd, const void* buf, std::size_t n, std::uint64_t off) override {
        return sys().pwrite(fd, buf, n, off);
    }
    int fsync(int fd) override { return sys().fsync(fd); }
    int fdatasync(int fd) override { return sys().fdatasync(fd); }
    int sync_file_range(int fd, std::uint64_t off, std::uint64_t n) override { return sys().sync_file_range(fd, off, n); }
    int fstat(int fd, struct stat* st) override { return sys().fstat(fd, st); }
    int futimens(int, const struct timespec[2]) override {
        errno = EPERM;
        return -1;
    }
    int ftruncate(int fd, std::uint64_t size) override { return sys().ftruncate(fd, size); }
    int open(const char* path, int flags, int mode) override { return sys().open(path, flags, mode); }
    int close(int fd) override { return sys().close(fd); }
    int unlink(const char* path) override { return sys().unlink(path); }
    int rename(const char* from, const char* to) override { return sys().rename(from, to); }

private:
    static RewriteIo& sys() { return system_io(); }
};

TEST(MboxNotes, AnAccessTimeNotSetIsANoteNotAFailure) {
    TempDir dir;
    test::write_file(dir.file("mbox"), mail);
    const int fd = test::open_rw(dir.file("mbox"));
    ASSERT_GE(fd, 0);
    NoTimesIo io;
    Notes notes;
    // Drops the last message: a truncation, which sets the times too.
    const Status st = rewrite(fd, {Range{0, c_at}}, mail.size(), dir.file("journal"), io, &notes);
    ::close(fd);
    ASSERT_TRUE(st.ok()) << st.error().message;
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_EQ(notes[0].level, Note::Level::warning);
    EXPECT_EQ(notes[0].text, "UPDATE: cannot set the mbox access time: Operation not permitted");
}

// An UPDATE that failed after its point of no return leaves its journal;
// the next open finishes it, and says so once, as a note.
TEST(MboxNotes, FinishingAnInterruptedUpdateIsANote) {
    TempDir dir;
    const std::vector<Range> keep = {Range{0, b_at}, Range{c_at, mail.size() - c_at}};  // drop b
    FaultIo counting;
    {
        test::write_file(dir.file("mbox"), mail);
        const int fd = test::open_rw(dir.file("mbox"));
        ASSERT_TRUE(rewrite_in_steps(fd, keep, mail.size(), dir.file("journal"), counting, 4096).ok());
        ::close(fd);
    }
    // Fail each call in turn until one leaves the journal behind.
    bool left_journal = false;
    for (long at = 1; at <= counting.calls() && !left_journal; ++at) {
        test::write_file(dir.file("mbox"), mail);
        ::unlink(dir.file("journal").c_str());
        ::unlink(dir.file("journal.new").c_str());
        FaultIo failing(at, FaultIo::Action::fail, EIO);
        const int fd = test::open_rw(dir.file("mbox"));
        Notes ignored;
        (void)rewrite_in_steps(fd, keep, mail.size(), dir.file("journal"), failing, 4096, &ignored);
        ::close(fd);
        left_journal = test::exists(dir.file("journal"));
    }
    ASSERT_TRUE(left_journal) << "no failing call left a journal to recover";
    const int fd = test::open_rw(dir.file("mbox"));
    Notes notes;
    const Status st = recover(fd, dir.file("journal"), system_io(), &notes);
    ::close(fd);
    ASSERT_TRUE(st.ok()) << st.error().message;
    ASSERT_FALSE(notes.empty());
    EXPECT_EQ(notes[0].level, Note::Level::notice);
    EXPECT_EQ(notes[0].text, "UPDATE: finishing an interrupted update");
    EXPECT_EQ(test::read_file(dir.file("mbox")), test::expected_after(mail, keep, mail.size()));
}

TEST(MboxNotes, AnUnusableStateDirectoryIsANoteAndTheMaildropStillOpens) {
    testing::MboxDir d;
    d.write(mail);
    MailConfig config = testing::test_mail_config();
    const std::string nowhere = d.dir() + "/no/such/dir";
    Notes notes;
    auto m = open_maildrop(OpenRequest{d.mbox(), nowhere, &config, nullptr, {}, &notes});
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_EQ((*m)->count(), 3u);
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_EQ(notes[0].level, Note::Level::warning);
    EXPECT_EQ(notes[0].text, "mbox: state directory " + nowhere +
                                 " unusable (No such file or directory); going on without a state file");
}

TEST(MboxNotes, ALockWaitIsANoteAtDebugOrNoticeByItsLength) {
    LockWait short_wait;
    short_wait.waited = std::chrono::milliseconds(20);
    short_wait.rounds = 3;
    short_wait.busy_lock = "fcntl";
    short_wait.notes = {"removed a stale dotlock"};
    Notes notes;
    note_lock_wait(&notes, "/var/mail/u", "open", short_wait);
    ASSERT_EQ(notes.size(), 2u);
    EXPECT_EQ(notes[0].level, Note::Level::warning);
    EXPECT_EQ(notes[0].text, "mbox: removed a stale dotlock");
    EXPECT_EQ(notes[1].level, Note::Level::debug);
    EXPECT_TRUE(starts_with(notes[1].text, "mbox: waited 20 ms at open for the locks of /var/mail/u (3 rounds; last "))
        << notes[1].text;

    LockWait long_wait = short_wait;
    long_wait.notes.clear();
    long_wait.waited = std::chrono::milliseconds(60000);
    Notes more;
    note_lock_wait(&more, "/var/mail/u", "update", long_wait);
    ASSERT_EQ(more.size(), 1u);
    EXPECT_EQ(more[0].level, Note::Level::notice);

    LockWait none;  // one round: nothing was busy, nothing to say
    Notes nothing;
    note_lock_wait(&nothing, "/var/mail/u", "open", none);
    EXPECT_TRUE(nothing.empty());
}

}  // namespace
}  // namespace pop3d::mbox
