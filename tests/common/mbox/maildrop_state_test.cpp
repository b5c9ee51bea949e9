#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <random>
#include <sstream>

#include "common/mbox/state/state_file.h"
#include "common/mbox/state/state_names.h"
#include "tests/common/mbox/mbox_fixture.h"
#include "tests/common/mbox/mbox_gen.h"

namespace pop3d::mbox {
namespace {

using testing::MboxDir;
using testing::read_all;
using testing::test_mail_config;

std::string message(const std::string& tag) {
    return "From " + tag + "@example.org Mon Nov 23 10:00:00 2026\nSubject: " + tag + "\n\nbody of " + tag + "\n\n";
}

std::vector<std::string> ids_after_open(const MboxDir& d, bool with_state) {
    auto r = with_state ? d.open(test_mail_config()) : d.open_without_state(test_mail_config());
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    std::vector<std::string> ids;
    if (r.ok())
        for (std::size_t i = 0; i < (*r)->count(); ++i) ids.emplace_back((*r)->unique_id(i));
    return ids;
}

std::string state_file(const MboxDir& d) { return state_names(d.state_dir(), d.mbox()).state; }

// Changes a byte inside the first message without changing the size or the
// mtime: only the state file can still know the old id.
void change_unseen(const MboxDir& d) {
    struct stat st;
    ASSERT_EQ(::stat(d.mbox().c_str(), &st), 0);
    std::string text = d.read();
    text[text.find("Subject: a") + 9] = 'A';
    d.write(text);
    const struct timespec times[2] = {st.st_atim, st.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, d.mbox().c_str(), times, 0), 0);
}

TEST(MboxState, CodecRoundTripsAndRejectsDamage) {
    State s;
    s.mbox = MboxIdentity{1, 2, 3, 4};
    s.options = 3;
    s.last_uid = "uid-b";
    s.index.add(IndexedMessage{0, 7, 9, 3, 11, 0, 0}, "uid-a");
    s.index.add(IndexedMessage{10, 17, 19, 3, 12, 0, 0}, "uid-b");
    s.index.size = 20;
    const std::string bytes = serialize_state(s);
    auto back = parse_state(bytes);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->mbox, s.mbox);
    EXPECT_EQ(back->options, 3u);
    EXPECT_EQ(back->last_uid, "uid-b");
    EXPECT_EQ(back->index.size, 20u);
    ASSERT_EQ(back->index.messages.size(), 2u);
    EXPECT_EQ(back->index.uid(1), "uid-b");
    EXPECT_EQ(back->index.messages[1].fingerprint, 12u);
    for (std::size_t i = 0; i < bytes.size(); i += 7) {
        std::string damaged = bytes;
        damaged[i] = static_cast<char>(damaged[i] ^ 0x40);
        EXPECT_FALSE(parse_state(damaged)) << "flipped byte " << i;
    }
    EXPECT_FALSE(parse_state(bytes.substr(0, bytes.size() - 1)));
    EXPECT_FALSE(parse_state(""));
}

TEST(MboxState, ValidStateIsReusedAndCreatedPrivate) {
    MboxDir d;
    d.write(message("a") + message("b"));
    const auto first = ids_after_open(d, true);
    struct stat st;
    ASSERT_EQ(::stat(d.state_dir().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    ASSERT_EQ(::stat(state_file(d).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    change_unseen(d);
    EXPECT_EQ(ids_after_open(d, true), first);      // from the state file
    EXPECT_NE(ids_after_open(d, false)[0], first[0]);  // derived again
}

// A QUIT that deletes nothing and leaves LAST where it was has nothing to
// record: writing the state file again costs two fsyncs per login.
TEST(MboxState, QuitWithoutChangesDoesNotRewriteTheStateFile) {
    MboxDir d;
    d.write(message("a") + message("b"));
    const auto inode_of_state = [&] {
        struct stat st;
        EXPECT_EQ(::stat(state_file(d).c_str(), &st), 0);
        return st.st_ino;
    };
    {  // the first open after a change saves, and its QUIT makes it durable
        auto m = d.open(test_mail_config());
        ASSERT_TRUE(m.ok());
        const auto at_open = inode_of_state();
        ASSERT_TRUE((*m)->update({false, false}, 0).ok());
        EXPECT_NE(inode_of_state(), at_open);
    }
    const auto saved = inode_of_state();
    {
        auto m = d.open(test_mail_config());
        ASSERT_TRUE(m.ok());
        ASSERT_TRUE((*m)->update({false, false}, 0).ok());
        EXPECT_EQ(inode_of_state(), saved);
    }
    {  // a new LAST is recorded
        auto m = d.open(test_mail_config());
        ASSERT_TRUE(m.ok());
        ASSERT_TRUE((*m)->update({false, false}, 2).ok());
        EXPECT_NE(inode_of_state(), saved);
    }
    auto m = d.open(test_mail_config());
    ASSERT_TRUE(m.ok());
    EXPECT_EQ((*m)->initial_last(), 2u);
}

TEST(MboxState, AppendedMailIsIndexedOnTopOfTheState) {
    MboxDir d;
    d.write(message("a") + message("b"));
    const auto first = ids_after_open(d, true);
    change_unseen(d);
    d.append(message("c"));
    auto ids = ids_after_open(d, true);
    ASSERT_EQ(ids.size(), 3u);
    EXPECT_EQ(ids[0], first[0]);  // reused: the unseen change stays unseen
    EXPECT_EQ(ids[1], first[1]);
    EXPECT_EQ(ids[2], ids_after_open(d, false)[2]);
}

TEST(MboxState, LastMessageWithoutNewlineIsRescannedWhenMailArrives) {
    MboxDir d;
    d.write(message("a") + "From b\nno newline");
    ASSERT_EQ(ids_after_open(d, true).size(), 2u);
    d.append("\n\n" + message("c"));
    auto r = d.open(test_mail_config());
    ASSERT_TRUE(r.ok());
    ASSERT_EQ((*r)->count(), 3u);
    EXPECT_EQ(read_all(**r, 1), "no newline\n");
    EXPECT_EQ(read_all(**r, 2), "Subject: c\n\nbody of c\n");
}

TEST(MboxState, StateOfAnotherFileIsNotTrusted) {
    MboxDir d;
    d.write(message("a") + message("b"));
    const auto first = ids_after_open(d, true);
    // Another reader replaces the file with different messages at the same
    // offsets (same sizes): a new inode.
    std::string text = message("x") + message("y");
    {
        std::ofstream f(d.mbox() + ".new", std::ios::binary);
        f << text;
    }
    ASSERT_EQ(::rename((d.mbox() + ".new").c_str(), d.mbox().c_str()), 0);
    auto ids = ids_after_open(d, true);
    EXPECT_EQ(ids, ids_after_open(d, false));
    EXPECT_NE(ids[0], first[0]);
}

TEST(MboxState, StaleStateAfterShrinkOrSameSizeRewriteIsRebuilt) {
    MboxDir d;
    d.write(message("a") + message("b") + message("c"));
    ids_after_open(d, true);
    d.write(message("a") + message("c"));  // in place: same inode, shorter
    auto r = d.open(test_mail_config());
    ASSERT_TRUE(r.ok());
    ASSERT_EQ((*r)->count(), 2u);
    EXPECT_EQ(read_all(**r, 1), "Subject: c\n\nbody of c\n");
    r->reset();
    d.write(message("x") + message("y"));  // same size, new mtime
    r = d.open(test_mail_config());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(read_all(**r, 0), "Subject: x\n\nbody of x\n");
}

TEST(MboxState, DamagedStateIsRebuilt) {
    MboxDir d;
    d.write(message("a") + message("b"));
    const auto first = ids_after_open(d, false);
    ids_after_open(d, true);
    std::string bytes;
    {
        std::ifstream f(state_file(d), std::ios::binary);
        std::stringstream s;
        s << f.rdbuf();
        bytes = s.str();
    }
    ASSERT_FALSE(bytes.empty());
    bytes[bytes.size() / 2] ^= 1;
    {
        std::ofstream f(state_file(d), std::ios::binary | std::ios::trunc);
        f << bytes;
    }
    EXPECT_EQ(ids_after_open(d, true), first);
    {
        std::ofstream f(state_file(d), std::ios::binary | std::ios::trunc);
        f << "garbage";
    }
    EXPECT_EQ(ids_after_open(d, true), first);
}

// Reading needs no state directory. UPDATE needs one for its journal when
// it must move mail (update/rewrite.cpp); deleting only trailing messages does not.
TEST(MboxState, UnusableStateDirectoryStillReadsAndDeletesAtTheEnd) {
    MboxDir d;
    d.write(message("a") + message("b") + message("c"));
    MailConfig mail = test_mail_config();
    const std::string nowhere = d.dir() + "/no/such/dir";
    {
        auto r = testing::open_with_state_dir(d, nowhere, mail);
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ((*r)->count(), 3u);
        const Status st = (*r)->update({true, false, false}, 1);
        ASSERT_FALSE(st.ok());
        EXPECT_EQ(st.error().kind, ErrorKind::permanent);
        EXPECT_EQ(d.read(), message("a") + message("b") + message("c"));
    }
    auto r = testing::open_with_state_dir(d, nowhere, mail);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE((*r)->update({false, false, true}, 1).ok());
    EXPECT_EQ(d.read(), message("a") + message("b"));
}

TEST(MboxState, LargeFileIndexedOnTwoThreadsMatchesTheModel) {
    std::mt19937_64 rng(42);
    auto box = testing::random_mbox(rng, 3500);
    ASSERT_GT(box.file.size(), 5u * 1024 * 1024);
    MboxDir d;
    d.write(box.file);
    auto r = d.open(test_mail_config());
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ((*r)->count(), box.messages.size());
    for (std::size_t i = 0; i < box.messages.size(); ++i) {
        ASSERT_EQ(read_all(**r, i), box.messages[i].content) << i;
        ASSERT_EQ((*r)->octets(i), testing::model_octets(box.messages[i].content, false)) << i;
    }
}

}  // namespace
}  // namespace pop3d::mbox
