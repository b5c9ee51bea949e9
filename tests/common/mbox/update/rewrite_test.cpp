// UPDATE: the bytes a rewrite leaves, for random keep sets and the edge cases
// of the contract (appended mail, nothing or everything deleted, bad ranges,
// no state directory, times).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "common/limits.h"
#include "common/mbox/update/rewrite.h"
#include "common/mbox/update/rewrite_engine.h"
#include "common/unique_fd.h"
#include "tests/common/mbox/update/rewrite_fixture.h"

namespace pop3d::mbox::test {
namespace {

std::vector<std::size_t> random_subset(std::mt19937_64& rng, std::size_t n) {
    std::vector<std::size_t> kept;
    std::bernoulli_distribution keep(0.6);
    for (std::size_t i = 0; i < n; ++i) {
        if (keep(rng)) kept.push_back(i);
    }
    return kept;
}

TEST(MboxRewrite, RandomKeepSetsAreByteExact) {
    std::mt19937_64 rng(0x90903);
    TempDir dir;
    const std::uint64_t chunks[] = {4096, 8192, 65536, limits::rewrite_chunk};
    for (int round = 0; round < 60; ++round) {
        Mbox mbox = random_mbox(rng, 1 + rng() % 30, 1 + rng() % 6000);
        std::uint64_t read_size = mbox.bytes.size();
        std::string old = mbox.bytes;
        if (round % 2 == 1) old += "From late@example.org Mon Nov 23 11:00:00 2026\nnew mail\n";
        auto keep = ranges_of(mbox, random_subset(rng, mbox.messages.size()));
        std::string path = dir.file("mbox");
        write_file(path, old);
        UniqueFd f(open_rw(path));
        std::uint64_t chunk = chunks[rng() % 4];
        auto s = rewrite_in_steps(f.get(), keep, read_size, dir.file("journal"), system_io(), chunk);
        ASSERT_TRUE(s.ok()) << s.error().message;
        ASSERT_EQ(read_file(path), expected_after(old, keep, read_size)) << "round " << round;
        EXPECT_FALSE(exists(dir.file("journal")));
        EXPECT_FALSE(exists(dir.file("journal.new")));
        ASSERT_TRUE(recover(f.get(), dir.file("journal")).ok());
        ASSERT_EQ(read_file(path), expected_after(old, keep, read_size));
    }
}

TEST(MboxRewrite, AdjacentRangesAndPartsOfMessagesAreKept) {
    TempDir dir;
    std::string old = "0123456789abcdefghij";
    write_file(dir.file("mbox"), old);
    UniqueFd f(open_rw(dir.file("mbox")));
    std::vector<Range> keep = {{0, 2}, {2, 3}, {7, 1}, {8, 2}, {15, 3}};
    ASSERT_TRUE(rewrite(f.get(), keep, 18, dir.file("journal")).ok());
    EXPECT_EQ(read_file(dir.file("mbox")), "01234789fghij");
}

TEST(MboxRewrite, NothingDeletedLeavesTheFileAlone) {
    TempDir dir;
    std::mt19937_64 rng(7);
    Mbox mbox = random_mbox(rng, 5, 300);
    write_file(dir.file("mbox"), mbox.bytes + "appended");
    UniqueFd f(open_rw(dir.file("mbox")));
    ASSERT_TRUE(rewrite(f.get(), mbox.messages, mbox.bytes.size(), dir.file("journal")).ok());
    EXPECT_EQ(read_file(dir.file("mbox")), mbox.bytes + "appended");
    EXPECT_FALSE(exists(dir.file("journal.new")));
}

TEST(MboxRewrite, DeletingEverythingKeepsOnlyAppendedMail) {
    TempDir dir;
    std::mt19937_64 rng(8);
    Mbox mbox = random_mbox(rng, 4, 3000);
    std::string late = "From late@example.org Mon Nov 23 11:00:00 2026\nhello\n";
    write_file(dir.file("mbox"), mbox.bytes + late);
    UniqueFd f(open_rw(dir.file("mbox")));
    ASSERT_TRUE(rewrite(f.get(), {}, mbox.bytes.size(), dir.file("journal")).ok());
    EXPECT_EQ(read_file(dir.file("mbox")), late);
    ASSERT_TRUE(rewrite(f.get(), {}, late.size(), dir.file("journal")).ok());
    EXPECT_EQ(read_file(dir.file("mbox")), "");
}

TEST(MboxRewrite, WithoutStateDirOnlyTheEndCanGo) {
    TempDir dir;
    std::mt19937_64 rng(9);
    Mbox mbox = random_mbox(rng, 4, 500);
    write_file(dir.file("mbox"), mbox.bytes);
    UniqueFd f(open_rw(dir.file("mbox")));
    auto refused = rewrite(f.get(), ranges_of(mbox, {0, 2, 3}), mbox.bytes.size(), "");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, ErrorKind::permanent);
    EXPECT_EQ(read_file(dir.file("mbox")), mbox.bytes);
    ASSERT_TRUE(rewrite(f.get(), ranges_of(mbox, {0, 1}), mbox.bytes.size(), "").ok());
    EXPECT_EQ(read_file(dir.file("mbox")), expected_after(mbox.bytes, ranges_of(mbox, {0, 1}),
                                                          mbox.bytes.size()));
    EXPECT_TRUE(recover(f.get(), "").ok());
}

TEST(MboxRewrite, BadRangesAreRefusedAndTouchNothing) {
    TempDir dir;
    std::string old = "From a\n\nFrom b\n\nFrom c\n";
    write_file(dir.file("mbox"), old);
    UniqueFd f(open_rw(dir.file("mbox")));
    const std::vector<std::vector<Range>> bad = {
        {{8, 8}, {0, 8}},   // not sorted
        {{0, 9}, {8, 8}},   // overlapping
        {{16, 7}},          // beyond read_size
    };
    // The caller's bug, not a client's input: [SYS/PERM] if it ever reached
    // QUIT, never a plain -ERR.
    for (const auto& keep : bad) {
        Status st = rewrite(f.get(), keep, 16, dir.file("journal"));
        ASSERT_FALSE(st.ok());
        EXPECT_EQ(st.error().kind, ErrorKind::permanent) << st.error().message;
    }
    // A file shorter than what the session read changed under it: temporary.
    Status shorter = rewrite(f.get(), {{0, 8}}, old.size() + 1, dir.file("journal"));
    ASSERT_FALSE(shorter.ok());
    EXPECT_EQ(shorter.error().kind, ErrorKind::temporary) << shorter.error().message;
    EXPECT_EQ(read_file(dir.file("mbox")), old);
    EXPECT_FALSE(exists(dir.file("journal")));
}

TEST(MboxRewrite, PendingJournalBlocksANewRewrite) {
    TempDir dir;
    std::string old = "From a\n\nFrom b\n\nFrom c\n";
    write_file(dir.file("mbox"), old);
    write_file(dir.file("journal"), "not recovered yet");
    UniqueFd f(open_rw(dir.file("mbox")));
    auto s = rewrite(f.get(), {{8, 8}}, old.size(), dir.file("journal"));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(read_file(dir.file("mbox")), old);
    auto end_only = rewrite(f.get(), {{0, 8}}, old.size(), dir.file("journal"));
    ASSERT_FALSE(end_only.ok());
    EXPECT_EQ(read_file(dir.file("mbox")), old);
    // A damaged journal is reported, never guessed at.
    auto r = recover(f.get(), dir.file("journal"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::permanent);
    EXPECT_EQ(read_file(dir.file("mbox")), old);
}

// A journal left by a crash is applied only to the file it was written for.
TEST(MboxRewrite, JournalOfAnotherFileIsRefused) {
    TempDir dir;
    std::string old = "From a\n\nFrom b\n\nFrom c\n";
    write_file(dir.file("mbox"), old);
    {
        UniqueFd f(open_rw(dir.file("mbox")));
        FaultIo io(0);
        ASSERT_TRUE(rewrite(f.get(), {{8, 8}}, old.size(), dir.file("journal"), io).ok());
        long total = io.calls();
        write_file(dir.file("mbox"), old);
        // Stop just before the end: the journal stays behind.
        for (long at = total - 1; at > 0; --at) {
            write_file(dir.file("mbox"), old);
            ::unlink(dir.file("journal").c_str());
            FaultIo fail(at, FaultIo::Action::fail, EIO);
            if (!rewrite(f.get(), {{8, 8}}, old.size(), dir.file("journal"), fail).ok() &&
                exists(dir.file("journal"))) {
                break;
            }
        }
        ASSERT_TRUE(exists(dir.file("journal")));
    }
    std::string left = read_file(dir.file("mbox"));
    write_file(dir.file("other"), left);
    UniqueFd other(open_rw(dir.file("other")));
    auto r = recover(other.get(), dir.file("journal"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::permanent);
    EXPECT_EQ(read_file(dir.file("other")), left);
    UniqueFd f(open_rw(dir.file("mbox")));
    ASSERT_TRUE(recover(f.get(), dir.file("journal")).ok());
    EXPECT_EQ(read_file(dir.file("mbox")), "From b\n\n");
}

bool new_mail(const std::string& path) {
    struct stat st;
    EXPECT_EQ(::stat(path.c_str(), &st), 0);
    return st.st_mtim.tv_sec > st.st_atim.tv_sec ||
           (st.st_mtim.tv_sec == st.st_atim.tv_sec && st.st_mtim.tv_nsec > st.st_atim.tv_nsec);
}

void set_times(const std::string& path, long atime, long mtime) {
    struct timespec ts[2] = {{atime, 0}, {mtime, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), ts, 0), 0);
}

TEST(MboxRewrite, NewMailStaysNewAndDeletingIsNotNewMail) {
    TempDir dir;
    std::mt19937_64 rng(10);
    Mbox mbox = random_mbox(rng, 6, 2000);
    for (bool was_new : {false, true}) {
        for (auto kept : {std::vector<std::size_t>{1, 2, 3, 4, 5}, std::vector<std::size_t>{0, 1}}) {
            write_file(dir.file("mbox"), mbox.bytes);
            if (was_new) {
                set_times(dir.file("mbox"), 1000000000, 1000000100);
            } else {
                set_times(dir.file("mbox"), 1000000100, 1000000000);
            }
            UniqueFd f(open_rw(dir.file("mbox")));
            ASSERT_TRUE(rewrite(f.get(), ranges_of(mbox, kept), mbox.bytes.size(), dir.file("journal")).ok());
            EXPECT_EQ(new_mail(dir.file("mbox")), was_new);
        }
    }
}

TEST(MboxRewrite, OwnerGroupModeAndInodeAreKept) {
    TempDir dir;
    std::mt19937_64 rng(11);
    Mbox mbox = random_mbox(rng, 6, 2000);
    write_file(dir.file("mbox"), mbox.bytes);
    ASSERT_EQ(::chown(dir.file("mbox").c_str(), 4242, 8), 0);
    ASSERT_EQ(::chmod(dir.file("mbox").c_str(), 0660), 0);
    struct stat before, after;
    ASSERT_EQ(::stat(dir.file("mbox").c_str(), &before), 0);
    UniqueFd f(open_rw(dir.file("mbox")));
    ASSERT_TRUE(rewrite(f.get(), ranges_of(mbox, {1, 4}), mbox.bytes.size(), dir.file("journal")).ok());
    ASSERT_EQ(::stat(dir.file("mbox").c_str(), &after), 0);
    EXPECT_EQ(after.st_ino, before.st_ino);
    EXPECT_EQ(after.st_uid, 4242u);
    EXPECT_EQ(after.st_gid, 8u);
    EXPECT_EQ(after.st_mode & 07777, 0660u);
}

}  // namespace
}  // namespace pop3d::mbox::test

namespace pop3d::mbox::test {
namespace {

// A journal whose header was damaged (a flipped byte anywhere, or cut short)
// is refused without touching the mbox: guessing could double or cut mail.
TEST(MboxRewrite, DamagedJournalHeaderIsRefused) {
    TempDir dir;
    std::mt19937_64 rng(12);
    Mbox mbox = random_mbox(rng, 6, 3000);
    std::string path = dir.file("mbox");
    std::string journal = dir.file("journal");
    write_file(path, mbox.bytes);
    std::string crashed, left;
    {
        UniqueFd f(open_rw(path));
        // The mbox write of the first step fails: a journal stays behind.
        FaultIo io(0);
        ASSERT_TRUE(rewrite_in_steps(f.get(), ranges_of(mbox, {1, 3, 5}), mbox.bytes.size(), journal,
                                     io, 4096).ok());
        bool left_journal = false;
        for (long at = 1; at <= io.calls() && !left_journal; ++at) {
            write_file(path, mbox.bytes);
            ::unlink(journal.c_str());
            FaultIo fail(at, FaultIo::Action::fail, EIO);
            left_journal = !rewrite_in_steps(f.get(), ranges_of(mbox, {1, 3, 5}), mbox.bytes.size(),
                                             journal, fail, 4096).ok() && exists(journal);
        }
        ASSERT_TRUE(left_journal);
        crashed = read_file(path);
        left = read_file(journal);
    }
    std::size_t header_bytes = left.find("P3DREC01");
    if (header_bytes == std::string::npos) header_bytes = 4096;
    header_bytes = std::min<std::size_t>(header_bytes, 8 + 8 * 8 + 32 + 32 + 3 * 16);
    for (std::size_t i = 0; i < header_bytes; ++i) {
        std::string damaged = left;
        damaged[i] = static_cast<char>(damaged[i] ^ 0x20);
        write_file(journal, damaged);
        UniqueFd f(open_rw(path));
        auto r = recover(f.get(), journal);
        ASSERT_FALSE(r.ok()) << "byte " << i;
        EXPECT_EQ(r.error().kind, ErrorKind::permanent);
        ASSERT_EQ(read_file(path), crashed) << "byte " << i;
    }
    for (std::size_t cut : {std::size_t{0}, std::size_t{7}, std::size_t{100}}) {
        write_file(journal, left.substr(0, cut));
        UniqueFd f(open_rw(path));
        ASSERT_FALSE(recover(f.get(), journal).ok()) << "cut at " << cut;
        ASSERT_EQ(read_file(path), crashed);
    }
    write_file(journal, left);
    UniqueFd f(open_rw(path));
    ASSERT_TRUE(recover(f.get(), journal).ok());
    EXPECT_EQ(read_file(path), expected_after(mbox.bytes, ranges_of(mbox, {1, 3, 5}), mbox.bytes.size()));
}

}  // namespace
}  // namespace pop3d::mbox::test
