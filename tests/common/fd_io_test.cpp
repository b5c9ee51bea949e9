#include "common/fd_io.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "common/unique_fd.h"

namespace pop3d {
namespace {

TEST(FdIo, WritesAndReadsMoreThanOnePipeBufferWhole) {
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    UniqueFd in(p[0]), out(p[1]);
    // Larger than a pipe's buffer: the write is short until the reader reads.
    const std::string sent(300 * 1024, 'x');
    const pid_t pid = ::fork();
    if (pid == 0) _exit(write_all(out.get(), sent) ? 0 : 1);
    out.reset();
    std::string got(sent.size() + 10, '\0');
    auto n = read_up_to(in.get(), got.data(), got.size());
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, sent.size());  // short of the room: end of file
    int status = -1;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_EQ(status, 0);
}

TEST(FdIo, ReadStopsWhenTheBufferIsFull) {
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    UniqueFd in(p[0]), out(p[1]);
    ASSERT_TRUE(write_all(out.get(), "abcdef"));
    char buf[4];
    auto n = read_up_to(in.get(), buf, sizeof buf);
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 4u);
    EXPECT_EQ(std::string(buf, 4), "abcd");
}

TEST(FdIo, PreadReadsFromItsOffsetAndLeavesTheFileOffsetAlone) {
    char path[] = "/tmp/pop3d-fd-io-XXXXXX";
    UniqueFd f(::mkstemp(path));
    ASSERT_TRUE(f.valid());
    ::unlink(path);
    ASSERT_TRUE(write_all(f.get(), "0123456789"));
    char buf[8];
    auto n = pread_up_to(f.get(), buf, sizeof buf, 6);
    ASSERT_TRUE(n);
    EXPECT_EQ(std::string(buf, *n), "6789");  // end of file before the room is full
    EXPECT_EQ(::lseek(f.get(), 0, SEEK_CUR), 10);
    EXPECT_FALSE(pread_up_to(f.get(), buf, sizeof buf, -1));
}

TEST(FdIo, ErrorsSayWhy) {
    auto w = write_all(-1, "x");
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().message, "Bad file descriptor");
    char c;
    EXPECT_FALSE(read_up_to(-1, &c, 1));
    EXPECT_TRUE(write_all(-1, "").ok());  // nothing to write: no call
}

}  // namespace
}  // namespace pop3d
