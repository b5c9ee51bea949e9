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
    ASSERT_TRUE(text->has_value());
    EXPECT_EQ((*text)->view(), "alice:$y$hash\n");
}

// Issue 11, item 7: pop3d-auth trusts only files root owns and nobody else
// can write, and that the world cannot read.
TEST(ReadAccountFile, RefusesFilesOthersCouldWriteOrEverybodyRead) {
    testing::TempDir dir;
    ASSERT_TRUE(dir.ok());
    const AccountFileRule pop3d_auth{true, 0};
    struct stat st {};
    st.st_mode = S_IFREG | 0640;
    st.st_uid = 0;
    EXPECT_TRUE(check_account_file(st, "users", pop3d_auth).ok());
    for (mode_t mode : {0660, 0642, 0644, 0604}) {
        st.st_mode = S_IFREG | mode;
        auto refused = check_account_file(st, "users", pop3d_auth);
        ASSERT_FALSE(refused.ok()) << std::oct << mode;
        EXPECT_EQ(refused.error().kind, ErrorKind::permanent);
        EXPECT_NE(refused.error().message.find("users: "), std::string::npos) << refused.error().message;
    }
    st.st_mode = S_IFREG | 0600;
    st.st_uid = 4242;  // pop3d-auth's own account, say
    EXPECT_FALSE(check_account_file(st, "users", pop3d_auth).ok());
    EXPECT_TRUE(check_account_file(st, "users", AccountFileRule{true, 4242}).ok()) << "single-user mode";
    EXPECT_TRUE(check_account_file(st, "users", AccountFileRule{}).ok()) << "pop3d-passwd fixing it";
    if (geteuid() == 0) {
        std::string path = dir.write("apop", "bob:secret\n", 0644);
        auto text = read_account_file(path, pop3d_auth);
        ASSERT_FALSE(text.ok());
        EXPECT_NE(text.error().message.find("readable by everybody"), std::string::npos) << text.error().message;
        ASSERT_EQ(chmod(path.c_str(), 0640), 0);
        EXPECT_TRUE(read_account_file(path, pop3d_auth).ok());
    }
}

// A missing file is no error (a server without its own accounts has none)
// and is told apart from an empty one: the passwd-file backend skips it.
TEST(ReadAccountFile, MissingFileIsNoneAndNoError) {
    testing::TempDir dir;
    auto text = read_account_file(dir.file("absent"));
    ASSERT_TRUE(text.ok()) << text.error().message;
    EXPECT_FALSE(text->has_value());
    auto empty = read_account_file(dir.write("empty", ""));
    ASSERT_TRUE(empty.ok()) << empty.error().message;
    ASSERT_TRUE(empty->has_value());
    EXPECT_TRUE((*empty)->empty());
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
