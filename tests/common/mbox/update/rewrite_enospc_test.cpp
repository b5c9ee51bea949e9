// UPDATE on a file system that is really full: a small tmpfs mounted by the
// test (we run as root). The journal's space is taken before the point of no
// return, so a full disk leaves the old file and no journal behind.
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "common/mbox/update/rewrite.h"
#include "tests/common/mbox/update/rewrite_fixture.h"

namespace pop3d::mbox::test {
namespace {

class SmallTmpfs {
public:
    explicit SmallTmpfs(const char* options) {
        mounted_ = ::mount("tmpfs", dir_.path().c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options) == 0;
        if (!mounted_) error_ = std::strerror(errno);
    }
    ~SmallTmpfs() {
        if (mounted_) ::umount2(dir_.path().c_str(), MNT_DETACH);
    }
    SmallTmpfs(const SmallTmpfs&) = delete;
    SmallTmpfs& operator=(const SmallTmpfs&) = delete;
    bool mounted() const { return mounted_; }
    const std::string& error() const { return error_; }
    std::string file(const std::string& name) const { return dir_.file(name); }

private:
    TempDir dir_;
    bool mounted_ = false;
    std::string error_;
};

// Writes until the file system says ENOSPC (at most its whole size).
void fill(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    std::string block(4096, 'x');
    int err = 0;
    for (int i = 0; i < 1024 && err == 0; ++i) {
        if (::write(fd, block.data(), block.size()) < 0) err = errno;
    }
    ::close(fd);
    ASSERT_EQ(err, ENOSPC);
}

TEST(MboxRewriteEnospc, FullFileSystemLeavesTheOldFile) {
    SmallTmpfs fs("size=512k,mode=0700");
    ASSERT_TRUE(fs.mounted()) << "mount tmpfs: " << fs.error();
    std::mt19937_64 rng(0xE05);
    Mbox mbox = random_mbox(rng, 40, 10000);
    ASSERT_GT(mbox.bytes.size(), 150u * 1024);
    ASSERT_LT(mbox.bytes.size(), 260u * 1024);
    std::string mbox_path = fs.file("mbox");
    std::string journal = fs.file("journal");
    write_file(mbox_path, mbox.bytes);
    int fd = open_rw(mbox_path);

    // Deleting the first message moves everything by a little: the journal
    // needs room for two steps' worth of saved bytes, which is not there.
    std::vector<std::size_t> all_but_first;
    for (std::size_t i = 1; i < mbox.messages.size(); ++i) all_but_first.push_back(i);
    auto s = rewrite(fd, ranges_of(mbox, all_but_first), mbox.bytes.size(), journal);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().kind, ErrorKind::temporary);
    EXPECT_NE(s.error().message.find(std::strerror(ENOSPC)), std::string::npos) << s.error().message;
    EXPECT_EQ(read_file(mbox_path), mbox.bytes);
    EXPECT_FALSE(exists(journal));
    EXPECT_FALSE(exists(journal + ".new"));
    ASSERT_TRUE(recover(fd, journal).ok());
    EXPECT_EQ(read_file(mbox_path), mbox.bytes);

    // Deleting the first three quarters moves the rest far enough that no
    // byte needs saving: the journal is three pages and fits.
    std::vector<std::size_t> last_quarter;
    for (std::size_t i = 30; i < mbox.messages.size(); ++i) last_quarter.push_back(i);
    auto keep = ranges_of(mbox, last_quarter);
    ASSERT_TRUE(rewrite(fd, keep, mbox.bytes.size(), journal).ok());
    std::string now = expected_after(mbox.bytes, keep, mbox.bytes.size());
    EXPECT_EQ(read_file(mbox_path), now);

    // With the disk completely full, deleting the end (a truncation) still works.
    fill(fs.file("filler"));
    auto last = ranges_of(mbox, std::vector<std::size_t>(last_quarter.begin(), last_quarter.end() - 1));
    std::uint64_t read_size = now.size();
    std::vector<Range> shifted;
    std::uint64_t at = 0;
    for (const Range& r : last) {
        shifted.push_back(Range{at, r.length});
        at += r.length;
    }
    ASSERT_TRUE(rewrite(fd, shifted, read_size, journal).ok());
    EXPECT_EQ(read_file(mbox_path), now.substr(0, at));
    ::close(fd);
}

}  // namespace
}  // namespace pop3d::mbox::test
