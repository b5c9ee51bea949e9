#include "common/config_handoff.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace pop3d {
namespace {

TEST(ConfigHandoff, SealedCopyParsesLikeTheFileAndCannotBeChanged) {
    std::string text = "[server]\nlisten = 127.0.0.1:11000\nmax_sessions = 7\n";
    auto fd = seal_config_text(text);
    ASSERT_TRUE(fd.ok()) << fd.error().message;
    EXPECT_LT(write(fd->get(), "x", 1), 0);
    auto config = load_config_from_fd(fd->get(), "/etc/pop3d/pop3d.conf");
    ASSERT_TRUE(config.ok()) << config.error().message;
    EXPECT_EQ(config->server.max_sessions, 7u);
    ASSERT_EQ(config->server.listen.size(), 1u);
    EXPECT_EQ(config->server.listen[0].port, 11000);
}

TEST(ConfigHandoff, ErrorsNameTheOriginalFile) {
    auto fd = seal_config_text("[server]\nbogus = 1\n");
    ASSERT_TRUE(fd.ok());
    auto config = load_config_from_fd(fd->get(), "/etc/pop3d/pop3d.conf");
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.error().message.rfind("/etc/pop3d/pop3d.conf:2:", 0), 0u) << config.error().message;
}

TEST(ConfigHandoff, ReadsAFileAndRefusesAMissingOne) {
    char path[] = "/tmp/pop3d-handoff-XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, "[log]\n", 6), 6);
    close(fd);
    auto text = read_config_text(path);
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(*text, "[log]\n");
    unlink(path);
    auto missing = read_config_text(path);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().kind, ErrorKind::invalid);
}

// A directory opens; its read fails. It is the wrong file, not a failing
// system: a configuration error (exit status 78), not a temporary one.
TEST(ConfigHandoff, ADirectoryIsTheWrongInputNotASystemFailure) {
    auto text = read_config_text("/");
    ASSERT_FALSE(text.ok());
    EXPECT_EQ(text.error().kind, ErrorKind::invalid) << text.error().message;
}

}  // namespace
}  // namespace pop3d
