// Reading users_file and apop_file whole, as pop3d-auth does per request.
#include "authd/read_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "tests/support/temp_dir.h"

namespace pop3d::authd {
namespace {

TEST(ReadAccountFile, ReadsARegularFileWhole) {
    testing::TempDir dir;
    ASSERT_TRUE(dir.ok());
    std::string path = dir.write("users", "alice:$y$hash\n");
    auto text = read_account_file(path);
    ASSERT_TRUE(text.ok()) << text.error().message;
    EXPECT_EQ(text->view(), "alice:$y$hash\n");
}

TEST(ReadAccountFile, MissingFileHasNoEntries) {
    testing::TempDir dir;
    auto text = read_account_file(dir.file("absent"));
    ASSERT_TRUE(text.ok());
    EXPECT_TRUE(text->empty());
}

// A FIFO (or device) named as users_file must be refused at once: opening a
// FIFO without O_NONBLOCK waits for a writer, and pop3d-auth would hang on
// every request while its monitor waits out auth_reply_seconds.
TEST(ReadAccountFileDeathTest, FifoIsRefusedWithoutWaitingForAWriter) {
    testing::TempDir dir;
    ASSERT_TRUE(dir.ok());
    std::string fifo = dir.file("users");
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    EXPECT_EXIT(
        {
            alarm(5);  // a hang ends the child with SIGALRM, failing the test
            auto text = read_account_file(fifo);
            _exit(!text.ok() && text.error().kind == ErrorKind::permanent ? 0 : 1);
        },
        ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace pop3d::authd
