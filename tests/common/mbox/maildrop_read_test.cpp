#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <random>
#include <set>

#include "common/limits.h"
#include "common/mbox/format/uid.h"
#include "tests/common/mbox/mbox_fixture.h"
#include "tests/common/mbox/mbox_gen.h"

namespace pop3d::mbox {
namespace {

using testing::MboxDir;
using testing::read_all;
using testing::test_mail_config;

std::unique_ptr<Maildrop> open_ok(const MboxDir& d, const MailConfig& mail) {
    auto r = d.open(mail);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(*r) : nullptr;
}

std::vector<std::string> ids_of(Maildrop& m) {
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < m.count(); ++i) ids.emplace_back(m.unique_id(i));
    return ids;
}

TEST(MboxMaildrop, SeededRandomMboxesAreServedByteExactly) {
    for (std::uint64_t seed = 1; seed <= 60; ++seed) {
        std::mt19937_64 rng(seed);
        const auto box = testing::random_mbox(rng, rng() % 15);
        MboxDir d;
        d.write(box.file);
        for (bool rd : {false, true}) {
            MailConfig mail = test_mail_config();
            mail.mbox_format = rd ? MboxFormat::mboxrd : MboxFormat::mboxo;
            auto m = open_ok(d, mail);
            ASSERT_TRUE(m) << "seed " << seed;
            ASSERT_EQ(m->count(), box.messages.size()) << "seed " << seed;
            EXPECT_EQ(m->unquotes_from(), rd);
            std::set<std::string> ids;
            for (std::size_t i = 0; i < m->count(); ++i) {
                ASSERT_EQ(read_all(*m, i), box.messages[i].content) << "seed " << seed << " #" << i;
                ASSERT_EQ(m->octets(i), testing::model_octets(box.messages[i].content, rd));
                ASSERT_TRUE(valid_uid(m->unique_id(i)));
                ids.insert(std::string(m->unique_id(i)));
            }
            EXPECT_EQ(ids.size(), m->count()) << "ids not unique, seed " << seed;
        }
    }
}

TEST(MboxMaildrop, AbsentFileIsAnEmptyMaildrop) {
    MboxDir d;
    auto m = open_ok(d, test_mail_config());
    ASSERT_TRUE(m);
    EXPECT_EQ(m->count(), 0u);
    EXPECT_EQ(m->initial_last(), 0u);
    EXPECT_TRUE(m->update({}, 0).ok());
}

TEST(MboxMaildrop, EmptyFileIsAnEmptyMaildrop) {
    MboxDir d;
    d.write("");
    auto m = open_ok(d, test_mail_config());
    ASSERT_TRUE(m);
    EXPECT_EQ(m->count(), 0u);
}

TEST(MboxMaildrop, TextBeforeFirstFromLineIsRefusedTouchingNothing) {
    MboxDir d;
    const std::string text = "Subject: not an mbox\n\nFrom a\nx\n";
    d.write(text);
    struct stat before, after;
    ASSERT_EQ(::stat(d.mbox().c_str(), &before), 0);
    auto r = d.open(test_mail_config());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::permanent);
    EXPECT_NE(r.error().message.find("not an mbox"), std::string::npos);
    ASSERT_EQ(::stat(d.mbox().c_str(), &after), 0);
    EXPECT_EQ(d.read(), text);
    EXPECT_EQ(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
    EXPECT_EQ(::access((d.mbox() + ".lock").c_str(), F_OK), -1);
}

TEST(MboxMaildrop, LargeMessageIsStreamedInBoundedChunks) {
    MboxDir d;
    std::string body;
    for (int i = 0; i < 40000; ++i) body += "line " + std::to_string(i) + " of a large message\n";
    body += std::string(300000, 'z') + "\n";  // one long line
    d.write("From a\n" + body);
    auto m = open_ok(d, test_mail_config());
    ASSERT_TRUE(m);
    std::size_t largest = 0;
    EXPECT_EQ(read_all(*m, 0, &largest), body);
    EXPECT_LE(largest, limits::mbox_read_chunk);
    EXPECT_GT(body.size(), 4 * limits::mbox_read_chunk);
}

TEST(MboxMaildrop, SinkErrorStopsTheStream) {
    MboxDir d;
    d.write("From a\n" + std::string(3 * limits::mbox_read_chunk, 'x') + "\n");
    auto m = open_ok(d, test_mail_config());
    ASSERT_TRUE(m);
    int calls = 0;
    const Status st = m->read(0, [&](std::string_view) -> Result<Reading> {
        ++calls;
        return make_error(ErrorKind::temporary, "client gone");
    });
    EXPECT_FALSE(st.ok());
    EXPECT_EQ(calls, 1);
    // A sink that has enough (TOP) stops the reading as well, and that is no error.
    calls = 0;
    const Status enough = m->read(0, [&](std::string_view) -> Result<Reading> {
        ++calls;
        return Reading::enough;
    });
    EXPECT_TRUE(enough.ok());
    EXPECT_EQ(calls, 1);
}

TEST(MboxMaildrop, MaxMessagesAndMaxBytesAreEnforced) {
    MboxDir d;
    d.write("From a\nx\n\nFrom b\ny\n\nFrom c\nz\n");
    MailConfig mail = test_mail_config();
    mail.max_messages = 3;
    EXPECT_TRUE(d.open(mail).ok());
    mail.max_messages = 2;
    auto r = d.open(mail);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::permanent);
    mail.max_messages = 0;
    mail.max_mailbox_bytes = d.read().size();
    EXPECT_TRUE(d.open(mail).ok());
    mail.max_mailbox_bytes = d.read().size() - 1;
    r = d.open(mail);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::permanent);
}

TEST(MboxMaildrop, IdsAreUniqueForIdenticalMessagesAndStable) {
    MboxDir d;
    const std::string msg = "From a@b Mon Nov 23 10:00:00 2026\nSubject: same\n\nbody\n\n";
    d.write(msg + msg + msg);
    std::vector<std::string> first;
    {
        auto m = open_ok(d, test_mail_config());
        ASSERT_TRUE(m);
        first = ids_of(*m);
    }
    ASSERT_EQ(first.size(), 3u);
    EXPECT_EQ(std::set<std::string>(first.begin(), first.end()).size(), 3u);
    EXPECT_EQ(first[1], first[0] + ".2");
    {
        auto m = d.open_without_state(test_mail_config());
        ASSERT_TRUE(m.ok());
        EXPECT_EQ(ids_of(**m), first);  // derived, not only remembered
    }
}

TEST(MboxMaildrop, IdsSurviveAppendAndRewriteByAnotherReader) {
    MboxDir d;
    const std::string a = "From a@x Mon Nov 23 10:00:00 2026\nSubject: a\n\nA\n\n";
    const std::string b = "From b@x Mon Nov 23 10:00:01 2026\nSubject: b\n\nB\n\n";
    const std::string c = "From c@x Mon Nov 23 10:00:02 2026\nSubject: c\n\nC\n\n";
    d.write(a + b);
    std::vector<std::string> before;
    {
        auto m = open_ok(d, test_mail_config());
        ASSERT_TRUE(m);
        before = ids_of(*m);
    }
    d.append(c);
    std::string id_c;
    {
        auto m = open_ok(d, test_mail_config());
        ASSERT_TRUE(m);
        ASSERT_EQ(m->count(), 3u);
        EXPECT_EQ(m->unique_id(0), before[0]);
        EXPECT_EQ(m->unique_id(1), before[1]);
        id_c = std::string(m->unique_id(2));
    }
    // Another mail reader removes the first message by writing a new file.
    const std::string replacement = d.mbox() + ".new";
    {
        std::ofstream f(replacement, std::ios::binary);
        f << b << c;
    }
    ASSERT_EQ(::rename(replacement.c_str(), d.mbox().c_str()), 0);
    auto m = open_ok(d, test_mail_config());
    ASSERT_TRUE(m);
    ASSERT_EQ(m->count(), 2u);
    EXPECT_EQ(m->unique_id(0), before[1]);
    EXPECT_EQ(m->unique_id(1), id_c);
}

TEST(MboxMaildrop, XUidlHonouredWhenValidAndUnique) {
    MboxDir d;
    d.write("From a\nX-UIDL: legacy-1\nSubject: a\n\nA\n\n"
            "From b\nX-UIDL: dup\n\nB\n\n"
            "From c\nx-uidl:   dup  \n\nC\n\n"
            "From d\nX-UIDL: has space\n\nD\n\n"
            "From e\nSubject: e\n\nX-UIDL: in-body\n\n");
    MailConfig mail = test_mail_config();
    mail.uidl = UidlSource::x_uidl;
    auto m = open_ok(d, mail);
    ASSERT_TRUE(m);
    ASSERT_EQ(m->count(), 5u);
    EXPECT_EQ(m->unique_id(0), "legacy-1");
    EXPECT_NE(m->unique_id(1), "dup");
    EXPECT_NE(m->unique_id(2), "dup");
    EXPECT_NE(m->unique_id(3), "has");
    EXPECT_NE(m->unique_id(4), "in-body");
    mail.uidl = UidlSource::hash;
    auto h = d.open_without_state(mail);
    ASSERT_TRUE(h.ok());
    EXPECT_NE((*h)->unique_id(0), "legacy-1");
    EXPECT_EQ((*h)->unique_id(1), m->unique_id(1));
}

TEST(MboxUid, AssignKeepsPinnedIdsAndAvoidsThem) {
    const TakenIds none = [](const std::function<void(std::string_view)>&) {};
    std::vector<UidCandidate> c(3);
    c[0].pinned = "base.2";
    c[1].derived = "base";
    c[2].derived = "base";
    std::deque<std::string> storage;
    EXPECT_EQ(assign_uids(none, c, storage), (std::vector<std::string_view>{"base.2", "base.3", "base.4"}));
    std::vector<UidCandidate> fresh(2);
    fresh[0].derived = "base";
    fresh[1].derived = "other";
    const TakenIds kept = [](const std::function<void(std::string_view)>& visit) {
        visit("base.7");
        visit("other");
    };
    EXPECT_EQ(assign_uids(kept, fresh, storage), (std::vector<std::string_view>{"base.8", "other.2"}));
    std::vector<UidCandidate> x(2);
    x[0].derived = "d0";
    x[0].x_uidl = "d1";  // equals the other message's derived id: not unique
    x[1].derived = "d1";
    EXPECT_EQ(assign_uids(none, x, storage), (std::vector<std::string_view>{"d0", "d1"}));
}

TEST(MboxUid, XUidlParsing) {
    EXPECT_EQ(find_x_uidl("X-UIDL: abc\n\n"), std::optional<std::string>("abc"));
    EXPECT_EQ(find_x_uidl("Subject: s\r\nX-UIDL:\tabc \r\n\r\n"), std::optional<std::string>("abc"));
    EXPECT_EQ(find_x_uidl("X-UIDL: " + std::string(71, 'a') + "\n"), std::nullopt);
    EXPECT_EQ(find_x_uidl("X-UIDL: a\nX-UIDL: b\n"), std::nullopt);
    EXPECT_EQ(find_x_uidl("X-UIDL: a\n b\n"), std::nullopt);
    EXPECT_EQ(find_x_uidl("X-UIDL: \n"), std::nullopt);
    EXPECT_EQ(find_x_uidl("\nX-UIDL: a\n"), std::nullopt);
}

}  // namespace
}  // namespace pop3d::mbox
