// The per-user state file: bytes that parse back to the state they came
// from, and that parse as nothing when damaged, so that the caller rebuilds.
#include "common/mbox/state/state_file.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "tests/support/temp_dir.h"

namespace pop3d::mbox {
namespace {

State sample_state() {
    State s;
    s.mbox = MboxIdentity{0x801, 4242, 1700000000, 123456789};
    s.options = 3;
    s.last_uid = "second";
    s.index.size = 300;
    s.index.add(IndexedMessage{0, 40, 100, 62, 0x1111}, "first");
    s.index.add(IndexedMessage{101, 150, 300, 152, 0x2222}, "second");
    return s;
}

void expect_same(const State& a, const State& b) {
    EXPECT_EQ(a.mbox, b.mbox);
    EXPECT_EQ(a.options, b.options);
    EXPECT_EQ(a.last_uid, b.last_uid);
    EXPECT_EQ(a.index.size, b.index.size);
    ASSERT_EQ(a.index.messages.size(), b.index.messages.size());
    for (std::size_t i = 0; i < a.index.messages.size(); ++i) {
        EXPECT_EQ(a.index.messages[i].from, b.index.messages[i].from);
        EXPECT_EQ(a.index.messages[i].body, b.index.messages[i].body);
        EXPECT_EQ(a.index.messages[i].end, b.index.messages[i].end);
        EXPECT_EQ(a.index.messages[i].octets, b.index.messages[i].octets);
        EXPECT_EQ(a.index.messages[i].fingerprint, b.index.messages[i].fingerprint);
        EXPECT_EQ(a.index.uid(i), b.index.uid(i));
    }
}

class StateFile : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_GE(sodium_init(), 0); }
};

TEST_F(StateFile, ParsesBackToWhatWasSerialized) {
    auto back = parse_state(serialize_state(sample_state()));
    ASSERT_TRUE(back);
    expect_same(*back, sample_state());
    State empty;
    auto none = parse_state(serialize_state(empty));
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->index.messages.empty());
    EXPECT_TRUE(none->last_uid.empty());
}

TEST_F(StateFile, EveryFlippedByteAndEveryCutParsesAsNothing) {
    const std::string bytes = serialize_state(sample_state());
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        std::string bad = bytes;
        bad[i] = static_cast<char>(bad[i] ^ 0x01);
        EXPECT_FALSE(parse_state(bad)) << "byte " << i;
        EXPECT_FALSE(parse_state(std::string_view(bytes).substr(0, i))) << "cut at " << i;
    }
    EXPECT_FALSE(parse_state(bytes + "x"));
}

TEST_F(StateFile, SavedFileLoadsBackPrivateAndWithoutItsTemporary) {
    testing::TempDir dir;
    const std::string path = dir.file("state");
    for (bool durable : {false, true}) {
        ASSERT_TRUE(save_state(path, sample_state(), durable).ok());
        struct stat st {};
        ASSERT_EQ(stat(path.c_str(), &st), 0);
        EXPECT_EQ(st.st_mode & 0777, 0600u);
        EXPECT_NE(access((path + ".new").c_str(), F_OK), 0);
        auto back = load_state(path);
        ASSERT_TRUE(back);
        expect_same(*back, sample_state());
    }
}

TEST_F(StateFile, MissingDamagedOrNonRegularFilesLoadAsNothing) {
    testing::TempDir dir;
    EXPECT_FALSE(load_state(dir.file("absent")));
    std::string bytes = serialize_state(sample_state());
    bytes[bytes.size() / 2] ^= 0x40;
    EXPECT_FALSE(load_state(dir.write("damaged", bytes)));
    EXPECT_FALSE(load_state(dir.path()));
    // A link is not followed: whoever controls the directory cannot point
    // the session at another file.
    ASSERT_TRUE(save_state(dir.file("real"), sample_state(), false).ok());
    ASSERT_EQ(symlink(dir.file("real").c_str(), dir.file("link").c_str()), 0);
    EXPECT_FALSE(load_state(dir.file("link")));
}

TEST_F(StateFile, SaveIntoAMissingDirectoryFails) {
    testing::TempDir dir;
    EXPECT_FALSE(save_state(dir.file("no/such/state"), sample_state(), false).ok());
}

}  // namespace
}  // namespace pop3d::mbox
