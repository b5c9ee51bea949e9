#include "authd/account_files.h"

#include <gtest/gtest.h>

namespace pop3d::authd {
namespace {

TEST(AccountName, RefusesWhatCannotBeALogin) {
    EXPECT_TRUE(check_account_name("alice").ok());
    EXPECT_TRUE(check_account_name("a.b-c_d@example.org").ok());
    for (std::string bad : {std::string(""), std::string("a:b"), std::string("a b"), std::string("a\tb"),
                            std::string("a\nb"), std::string("a\x7f"), std::string("#a"), std::string("a\0b", 3),
                            std::string(300, 'x')})
        EXPECT_FALSE(check_account_name(bad).ok()) << bad;
}

TEST(UsersFile, ParsesEntriesCommentsAndOwners) {
    auto r = parse_users_file("# comment\n\nalice:$argon2id$v=19$m=65536,t=2,p=1$abc$def\nbob:$6$salt$hash:vmail\ncarol:$y$j9T$x$y");
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->size(), 3u);
    auto alice = find_user(*r, "alice");
    ASSERT_TRUE(alice);
    EXPECT_EQ(alice->hash, "$argon2id$v=19$m=65536,t=2,p=1$abc$def");
    EXPECT_EQ(alice->owner, "alice");
    EXPECT_EQ(find_user(*r, "bob")->owner, "vmail");
    EXPECT_EQ(find_user(*r, "carol")->hash, "$y$j9T$x$y");
    EXPECT_FALSE(find_user(*r, "dave"));
    EXPECT_FALSE(find_user(*r, "ALICE"));
}

TEST(UsersFile, RefusesMalformedLinesWithTheirNumber) {
    struct Case {
        const char* text;
        const char* line;
    } cases[] = {
        {"alice\n", "line 1:"},
        {"ok:h\nalice:\n", "line 2:"},
        {"alice:h:\n", "line 1:"},
        {"alice:h:o:x\n", "line 1:"},
        {":h\n", "line 1:"},
        {"al ice:h\n", "line 1:"},
        {"alice:h a\n", "line 1:"},
        {"alice:h\r\n", "line 1:"},
        {"alice:h\nalice:g\n", "line 2:"},
        {"alice:h:bad owner\n", "line 1:"},
    };
    for (const auto& c : cases) {
        auto r = parse_users_file(c.text);
        ASSERT_FALSE(r.ok()) << c.text;
        EXPECT_EQ(r.error().message.rfind(c.line, 0), 0u) << r.error().message;
    }
    EXPECT_FALSE(parse_users_file("alice:" + std::string(5000, 'h') + "\n").ok());
}

TEST(ApopFile, SecretIsTheRestOfTheLine) {
    auto r = parse_apop_file("mrose:tanstaaf\n# x\nbob:with:colons and spaces\n");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(find_apop(*r, "mrose")->secret, "tanstaaf");
    EXPECT_EQ(find_apop(*r, "bob")->secret, "with:colons and spaces");
    EXPECT_FALSE(find_apop(*r, "carol"));
}

TEST(ApopFile, RefusesMalformedLines) {
    for (const char* bad : {"mrose\n", "mrose:\n", ":x\n", "mrose:a\tb\n", "mrose:a\nmrose:b\n", "m rose:x\n"})
        EXPECT_FALSE(parse_apop_file(bad).ok()) << bad;
}

TEST(ReplaceEntry, ChangesOnlyTheNamedLine) {
    bool found = false;
    std::string text = "# keep me\nalice:h1\nbob:h2:vmail\n\n";
    EXPECT_EQ(replace_entry(text, "alice", "alice:new", &found), "# keep me\nalice:new\nbob:h2:vmail\n\n");
    EXPECT_TRUE(found);
    EXPECT_EQ(replace_entry(text, "bob", "", &found), "# keep me\nalice:h1\n\n");
    EXPECT_TRUE(found);
    EXPECT_EQ(replace_entry(text, "carol", "carol:h3", &found), text + "carol:h3\n");
    EXPECT_FALSE(found);
    EXPECT_EQ(replace_entry("alice:h1", "carol", "carol:h3", &found), "alice:h1\ncarol:h3\n");
    EXPECT_EQ(replace_entry("", "carol", "carol:h3", &found), "carol:h3\n");
    EXPECT_EQ(replace_entry("# alice:h\n", "alice", "", &found), "# alice:h\n");
    EXPECT_FALSE(found);
}

}  // namespace
}  // namespace pop3d::authd
