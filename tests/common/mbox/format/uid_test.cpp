// Unique ids: derived from a message's bytes, made distinct, or taken from
// a trustworthy X-UIDL header.
#include "common/mbox/format/uid.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <set>

#include "common/limits.h"

namespace pop3d::mbox {
namespace {

class Uid : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_GE(sodium_init(), 0); }
};

TEST_F(Uid, DerivedIdIsStableValidAndHasNoDot) {
    Derived a = derive("From a@b Mon Nov 23 10:00:00 2026", "Subject: x\n\nbody\n");
    Derived again = derive("From a@b Mon Nov 23 10:00:00 2026", "Subject: x\n\nbody\n");
    EXPECT_EQ(a.uid, again.uid);
    EXPECT_EQ(a.fingerprint, again.fingerprint);
    EXPECT_EQ(a.uid.size(), 22u);
    EXPECT_TRUE(valid_uid(a.uid));
    EXPECT_EQ(a.uid.find('.'), std::string::npos);
}

TEST_F(Uid, EveryPartOfTheSampleCounts) {
    const std::string from = "From a@b Mon Nov 23 10:00:00 2026";
    const std::string content = "Subject: x\n\n" + std::string(5000, 'm') + "end\n";
    std::set<std::string> ids{derive(from, content).uid};
    EXPECT_TRUE(ids.insert(derive(from + "1", content).uid).second) << "From_ line";
    std::string head = content;
    head[1] = 'X';
    EXPECT_TRUE(ids.insert(derive(from, head).uid).second) << "start";
    std::string tail = content;
    tail[tail.size() - 2] = 'D';
    EXPECT_TRUE(ids.insert(derive(from, tail).uid).second) << "end";
    EXPECT_TRUE(ids.insert(derive(from, content + "\n").uid).second) << "length";
}

// Bounded samples: a change in the middle of a large message, outside
// every sample and keeping the length, does not change the id.
TEST_F(Uid, TheMiddleOfALargeMessageIsNotRead) {
    const std::string content(limits::uid_head_sample + limits::uid_tail_sample + 1000, 'm');
    std::string changed = content;
    changed[limits::uid_head_sample + 500] = 'X';
    EXPECT_EQ(derive("From a", content).uid, derive("From a", changed).uid);
}

TEST_F(Uid, ValidIdsAreOneToSeventyPrintableCharacters) {
    EXPECT_TRUE(valid_uid("a"));
    EXPECT_TRUE(valid_uid(std::string(70, '~')));
    EXPECT_FALSE(valid_uid(""));
    EXPECT_FALSE(valid_uid(std::string(71, 'a')));
    EXPECT_FALSE(valid_uid("a b"));
    EXPECT_FALSE(valid_uid("a\x7f"));
}

TEST_F(Uid, XUidlIsTakenFromTheHeaderOnlyWhenThereIsExactlyOneValidOne) {
    EXPECT_EQ(find_x_uidl("Subject: s\nX-UIDL:  abc123 \n\nbody\n"), "abc123");
    EXPECT_EQ(find_x_uidl("x-uidl: lower\r\n\r\n"), "lower");
    EXPECT_EQ(find_x_uidl("Subject: s\n\nX-UIDL: in-the-body\n"), std::nullopt);
    EXPECT_EQ(find_x_uidl("X-UIDL: one\nX-UIDL: two\n\n"), std::nullopt);
    EXPECT_EQ(find_x_uidl("X-UIDL: has space\n\n"), std::nullopt);
    EXPECT_EQ(find_x_uidl("X-UIDL: folded\n continued\n\n"), std::nullopt);
    EXPECT_EQ(find_x_uidl("X-UIDL:\n\n"), std::nullopt);
    // Past the scan limit the header is not read.
    std::string far = "Subject: " + std::string(limits::x_uidl_header_scan, 's') + "\nX-UIDL: far\n\n";
    EXPECT_EQ(find_x_uidl(far), std::nullopt);
}

// The ids messages that stay already hold.
TakenIds taken(std::vector<std::string> ids) {
    return [ids](const std::function<void(std::string_view)>& each) {
        for (const auto& id : ids) each(id);
    };
}

TEST_F(Uid, IdenticalMessagesGetSuffixesInFileOrder) {
    std::deque<std::string> storage;
    std::vector<UidCandidate> c{{"", "same", {}}, {"", "same", {}}, {"", "other", {}}, {"", "same", {}}};
    auto ids = assign_uids(taken({}), c, storage);
    ASSERT_EQ(ids.size(), 4u);
    EXPECT_EQ(ids[0], "same");
    EXPECT_EQ(ids[1], "same.2");
    EXPECT_EQ(ids[2], "other");
    EXPECT_EQ(ids[3], "same.3");
}

TEST_F(Uid, PinnedAndTakenIdsAreKeptAndAvoided) {
    std::deque<std::string> storage;
    std::vector<UidCandidate> c{{"kept", "zzz", {}}, {"", "d", {}}};
    auto ids = assign_uids(taken({"d", "d.2"}), c, storage);
    EXPECT_EQ(ids[0], "kept");
    EXPECT_EQ(ids[1], "d.3");
}

TEST_F(Uid, XUidlIsUsedOnlyWhenNoOtherMessageHasIt) {
    std::deque<std::string> storage;
    std::vector<UidCandidate> unique{{"", "d1", std::string("mine")}, {"", "d2", {}}};
    auto ids = assign_uids(taken({}), unique, storage);
    EXPECT_EQ(ids[0], "mine");
    EXPECT_EQ(ids[1], "d2");

    std::vector<UidCandidate> twice{{"", "d1", std::string("dup")}, {"", "d2", std::string("dup")}};
    ids = assign_uids(taken({}), twice, storage);
    EXPECT_EQ(ids[0], "d1");
    EXPECT_EQ(ids[1], "d2");

    // An X-UIDL equal to another message's derived id is not trusted either.
    std::vector<UidCandidate> clash{{"", "d1", std::string("d2")}, {"", "d2", {}}};
    ids = assign_uids(taken({}), clash, storage);
    EXPECT_EQ(ids[0], "d1");
    EXPECT_EQ(ids[1], "d2");
}

TEST_F(Uid, AssignedIdsAreDistinctFromEachOtherAndFromTakenOnes) {
    std::deque<std::string> storage;
    std::vector<UidCandidate> c;
    for (int i = 0; i < 50; ++i) c.push_back({"", i % 3 == 0 ? "a" : "b", {}});
    auto ids = assign_uids(taken({"a.2", "b"}), c, storage);
    std::set<std::string_view> seen(ids.begin(), ids.end());
    EXPECT_EQ(seen.size(), ids.size());
    EXPECT_FALSE(seen.count("a.2"));
    EXPECT_FALSE(seen.count("b"));
    for (auto id : ids) EXPECT_TRUE(valid_uid(id)) << id;
}

}  // namespace
}  // namespace pop3d::mbox
