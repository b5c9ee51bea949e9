// The M4 case measured (not asserted): DELE 1 then QUIT on a 256 MiB mbox,
// the file on the real disk, in the page cache as after the session read it.
// Run: build/tests/unit --gtest_also_run_disabled_tests --gtest_filter='*Bench*'
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "common/mbox/update/rewrite.h"
#include "tests/common/mbox/update/rewrite_fixture.h"

namespace pop3d::mbox::test {
namespace {

void bench(const std::string& base) {
    TempDir dir(base);
    const std::string message_head = "From bench@example.org Mon Nov 23 10:00:00 2026\nSubject: x\n\n";
    std::string message = message_head + std::string(4000, 'a') + "\n\n";
    std::string path = dir.file("mbox");
    std::uint64_t size = 0;
    {
        FILE* out = std::fopen(path.c_str(), "wb");
        ASSERT_NE(out, nullptr);
        while (size < 256u * 1024 * 1024) {
            ASSERT_EQ(std::fwrite(message.data(), 1, message.size(), out), message.size());
            size += message.size();
        }
        ASSERT_EQ(std::fflush(out), 0);
        ASSERT_EQ(::fsync(fileno(out)), 0);
        std::fclose(out);
    }
    int fd = open_rw(path);
    // The floor on this disk right now: writing the same bytes once, in place.
    {
        std::string block(4 << 20, 'b');
        auto start = std::chrono::steady_clock::now();
        for (std::uint64_t at = 0; at < size; at += block.size()) {
            std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), size - at));
            ASSERT_EQ(::pwrite(fd, block.data(), n, static_cast<off_t>(at)), static_cast<ssize_t>(n));
        }
        ASSERT_EQ(::fsync(fd), 0);
        auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("%s: overwriting the file once and fsync: %.3f s\n", base.c_str(), seconds);
        // Back to the mbox contents for the rewrite.
        for (std::uint64_t at = 0; at < size; at += message.size()) {
            ASSERT_EQ(::pwrite(fd, message.data(), message.size(), static_cast<off_t>(at)),
                      static_cast<ssize_t>(message.size()));
        }
        ASSERT_EQ(::fsync(fd), 0);
    }
    auto start = std::chrono::steady_clock::now();
    auto s = rewrite(fd, {Range{message.size(), size - message.size()}}, size, dir.file("journal"));
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(s.ok()) << s.error().message;
    std::printf("%s: rewrite() deleting the first message of %llu bytes: %.3f s\n",
                base.c_str(), static_cast<unsigned long long>(size), seconds);
    ::close(fd);
}

TEST(MboxRewriteBench, DISABLED_DeleteFirstOf256MiB) { bench("/var/tmp"); }
// The same in memory: the cost of the copy without the disk.
TEST(MboxRewriteBench, DISABLED_DeleteFirstOf256MiBInMemory) { bench(fast_base()); }

}  // namespace
}  // namespace pop3d::mbox::test
