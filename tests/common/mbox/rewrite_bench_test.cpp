// The M4 case measured (not asserted): DELE 1 then QUIT on a 256 MiB mbox,
// the file on the real disk, in the page cache as after the session read it.
// Run: build/tests/unit --gtest_also_run_disabled_tests --gtest_filter='*Bench*'
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "common/mbox/rewrite.h"
#include "tests/common/mbox/rewrite_fixture.h"

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
