#include "authd/passwd_options.h"

#include <gtest/gtest.h>

#include "authd/password_input.h"

namespace pop3d::authd {
namespace {

TEST(PasswdOptions, ParsesCommandsAndOptions) {
    auto o = parse_passwd_options({"-f", "/x.conf", "--stdin", "--owner", "vmail", "change", "alice"});
    ASSERT_TRUE(o.ok()) << o.error().message;
    EXPECT_EQ(o->command, PasswdCommand::change);
    EXPECT_EQ(o->name, "alice");
    EXPECT_EQ(*o->config_path, "/x.conf");
    EXPECT_TRUE(o->from_stdin);
    EXPECT_EQ(*o->owner, "vmail");
    EXPECT_EQ(o->limits, HashLimits::interactive);
    EXPECT_TRUE(parse_passwd_options({"--help"})->help);
    EXPECT_EQ(parse_passwd_options({"--apop", "--file", "/f", "verify", "m"})->file, "/f");
}

TEST(PasswdOptions, RefusesBadCommandLines) {
    using V = std::vector<std::string>;
    for (const V& bad : {V{}, V{"add"}, V{"add", "a", "b"}, V{"frob", "a"}, V{"-f"}, V{"--bogus", "add", "a"},
                         V{"--limits", "max", "add", "a"}, V{"--apop", "--owner", "x", "add", "a"},
                         V{"--owner", "x", "remove", "a"}})
        EXPECT_FALSE(parse_passwd_options(bad).ok());
}

TEST(PasswordInput, OneLineOnly) {
    EXPECT_EQ(password_from_input("pw\n")->view(), "pw");
    EXPECT_EQ(password_from_input("pw")->view(), "pw");
    EXPECT_EQ(password_from_input("with: colon and space\n")->view(), "with: colon and space");
    for (std::string bad : {std::string(""), std::string("\n"), std::string("a\nb"), std::string("a\n\n"),
                            std::string("a\r\n"), std::string("a\0b", 3), std::string(2000, 'x')})
        EXPECT_FALSE(password_from_input(bad).ok()) << bad;
}

}  // namespace
}  // namespace pop3d::authd
