// Mail delivered while a session is open, then UPDATE, then the next
// session: it must see exactly the kept messages and the delivered ones,
// each readable in full (a stale index once made the next session's RETR 2
// fail with the connection dropped).
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "common/mbox/mbox_maildrop.h"
#include "common/mbox/state/state_names.h"
#include "common/mbox/update/rewrite.h"
#include "tests/common/mbox/mbox_fixture.h"
#include "tests/common/mbox/mbox_gen.h"
#include "tests/common/mbox/update/crash_recorder.h"

namespace pop3d::mbox {
namespace {

using testing::MboxDir;
using testing::read_all;
using testing::test_mail_config;

std::string message(const std::string& tag, std::size_t body) {
    return "From " + tag + "@example.org Mon Nov 23 10:00:00 2026\nSubject: " + tag + "\n\n" +
           std::string(body, 'x') + "\n\n";
}

std::string content(const std::string& tag, std::size_t body) {
    return "Subject: " + tag + "\n\n" + std::string(body, 'x') + "\n";
}

TEST(MboxAppend, NextSessionSeesKeptAndDeliveredMessages) {
    struct Case {
        std::vector<std::size_t> sizes;
        std::vector<bool> deleted;
        std::vector<std::size_t> delivered;
    };
    const std::vector<Case> cases = {
        {{100, 200, 300}, {true, false, false}, {50}},
        {{100, 200, 300}, {true, false, false}, {5000}},  // more delivered than deleted
        {{100, 200, 300}, {false, true, false}, {5000, 10}},
        {{100, 200, 300}, {false, false, true}, {20}},
        {{100, 200, 300}, {true, true, false}, {}},
        {{4000, 10, 10, 10}, {true, false, false, false}, {3990}},  // the same size again
        {{10, 10, 10, 4000}, {false, false, false, true}, {4000}},
    };
    for (std::size_t c = 0; c < cases.size(); ++c) {
        const Case& k = cases[c];
        for (bool state_at_open : {true, false}) {
            MboxDir d;
            std::string file;
            for (std::size_t i = 0; i < k.sizes.size(); ++i) file += message("m" + std::to_string(i), k.sizes[i]);
            d.write(file);
            if (state_at_open) {
                // An earlier session left a state file for the file as it is.
                auto r = d.open(test_mail_config());
                ASSERT_TRUE(r.ok());
            }
            std::vector<std::string> expected;
            {
                auto r = d.open(test_mail_config());
                ASSERT_TRUE(r.ok()) << r.error().message;
                auto& m = **r;
                ASSERT_EQ(m.count(), k.sizes.size());
                for (std::size_t i = 0; i < k.sizes.size(); ++i) {
                    ASSERT_EQ(read_all(m, i), content("m" + std::to_string(i), k.sizes[i]));
                    if (!k.deleted[i]) expected.push_back(content("m" + std::to_string(i), k.sizes[i]));
                }
                for (std::size_t j = 0; j < k.delivered.size(); ++j) {
                    d.append(message("new" + std::to_string(j), k.delivered[j]));
                    expected.push_back(content("new" + std::to_string(j), k.delivered[j]));
                }
                ASSERT_TRUE(m.update(k.deleted, 1).ok());
            }
            for (int session = 0; session < 2; ++session) {
                auto r = d.open(test_mail_config());
                ASSERT_TRUE(r.ok()) << r.error().message;
                auto& m = **r;
                std::string where = "case " + std::to_string(c) + (state_at_open ? " with" : " without") +
                                    " an earlier state, session " + std::to_string(session);
                ASSERT_EQ(m.count(), expected.size()) << where;
                for (std::size_t i = 0; i < expected.size(); ++i)
                    EXPECT_EQ(read_all(m, i), expected[i]) << where << ", message " << i + 1;
            }
        }
    }
}

}  // namespace
}  // namespace pop3d::mbox

namespace pop3d::mbox {
namespace {

std::vector<std::string> all_contents(Maildrop& m) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < m.count(); ++i) out.push_back(read_all(m, i));
    return out;
}

// Random files, deletions and deliveries: the next session (state file
// reused) must serve what a session without any state file serves.
TEST(MboxAppend, StateReusedAfterUpdateMatchesAFreshIndex) {
    for (std::uint64_t seed = 1; seed <= 80; ++seed) {
        std::mt19937_64 rng(seed * 104729);
        const auto box = testing::random_mbox(rng, 1 + rng() % 12);
        MboxDir d;
        d.write(box.file);
        { ASSERT_TRUE(d.open(test_mail_config()).ok()); }
        {
            auto r = d.open(test_mail_config());
            ASSERT_TRUE(r.ok()) << r.error().message;
            std::vector<bool> deleted((*r)->count());
            for (std::size_t i = 0; i < deleted.size(); ++i) deleted[i] = rng() % 3 == 0;
            const auto delivered = testing::random_mbox(rng, 1 + rng() % 3);
            if (rng() % 2) d.append(delivered.file);
            (*r)->update(deleted, (*r)->count() / 2).ok();
        }
        for (int session = 0; session < 2; ++session) {
            auto with_state = d.open(test_mail_config());
            ASSERT_TRUE(with_state.ok()) << with_state.error().message;
            auto fresh = d.open_without_state(test_mail_config());
            ASSERT_TRUE(fresh.ok()) << fresh.error().message;
            ASSERT_EQ((*with_state)->count(), (*fresh)->count()) << "seed " << seed;
            for (std::size_t i = 0; i < (*fresh)->count(); ++i)
                ASSERT_EQ((*with_state)->octets(i), (*fresh)->octets(i)) << "seed " << seed << " message " << i + 1;
            ASSERT_EQ(all_contents(**with_state), all_contents(**fresh)) << "seed " << seed;
        }
    }
}

}  // namespace
}  // namespace pop3d::mbox

namespace pop3d::mbox {
namespace {

// An UPDATE killed at any call after the state file of the open was saved; mail
// arrives; the next open finishes the UPDATE. The old state file must not
// lend its offsets and ids to the new file, even when every old message
// boundary still falls on a message of the new one (equal sizes).
TEST(MboxAppend, StateOfBeforeAKilledUpdateIsNotReused) {
    int journals = 0;
    for (long calls = 1; calls <= 120; calls += 3) {
        MboxDir d;
        const std::string a = message("a", 100), b = message("b", 100), c = message("c", 100);
        d.write(a + b + c);
        { ASSERT_TRUE(d.open(test_mail_config()).ok()); }  // the state file of the open
        {
            test::RecordingIo io;  // stops doing anything after `calls` calls, as a kill would
            auto r = d.open(test_mail_config());
            ASSERT_TRUE(r.ok());
            auto* mbox = dynamic_cast<MboxMaildrop*>(r->get());
            ASSERT_NE(mbox, nullptr);
            mbox->use_io(io);
            io.die_after(calls);
            mbox->update({true, false, false}, 2).ok();
        }
        journals += ::access(state_names(d.state_dir(), d.mbox()).journal.c_str(), F_OK) == 0;
        d.append(message("d", 300));  // the file grows: no size check can tell
        auto with_state = d.open(test_mail_config());
        ASSERT_TRUE(with_state.ok()) << with_state.error().message;
        auto fresh = d.open_without_state(test_mail_config());
        ASSERT_TRUE(fresh.ok());
        ASSERT_EQ((*with_state)->count(), (*fresh)->count()) << calls;
        for (std::size_t i = 0; i < (*fresh)->count(); ++i) {
            EXPECT_EQ((*with_state)->unique_id(i), (*fresh)->unique_id(i)) << calls << " message " << i + 1;
            EXPECT_EQ(read_all(**with_state, i), read_all(**fresh, i)) << calls << " message " << i + 1;
        }
    }
    EXPECT_GT(journals, 3);  // the kills did leave updates to finish
}

}  // namespace
}  // namespace pop3d::mbox

namespace pop3d::mbox {
namespace {

// The HAProxy end-to-end test's loop without the network: sessions that
// download and delete everything, one after another, while mail arrives
// before an open, between an open and its UPDATE, or not at all, and
// sessions find an empty file with an empty state file. Every delivery is
// served exactly once and the mbox ends empty. (The end-to-end test once
// failed in this loop; the cause was its agent's dotlock back-off, not the
// engine: this pins the engine's side.)
TEST(MboxAppend, DownloadAndDeleteLoopServesEveryDeliveryOnce) {
    MboxDir d;
    d.write("");
    constexpr int deliveries = 40;
    int delivered = 0;
    std::map<std::string, int> served;
    auto deliver = [&] {
        const std::string tag = "delivery" + std::to_string(delivered++);
        d.append(message(tag, delivered % 7));
    };
    for (int round = 0; round < 4 * deliveries; ++round) {
        if (delivered < deliveries && round % 3 == 0) deliver();
        auto r = d.open(test_mail_config());
        ASSERT_TRUE(r.ok()) << r.error().message;
        Maildrop& m = **r;
        for (std::size_t i = 0; i < m.count(); ++i) ++served[read_all(m, i)];
        if (delivered < deliveries && round % 2 == 0) deliver();
        ASSERT_TRUE(m.update(std::vector<bool>(m.count(), true), m.count()).ok()) << "round " << round;
    }
    ASSERT_EQ(delivered, deliveries);
    for (int i = 0; i < deliveries; ++i)
        EXPECT_EQ(served[content("delivery" + std::to_string(i), (i + 1) % 7)], 1) << "delivery " << i;
    EXPECT_EQ(served.size(), static_cast<std::size_t>(deliveries));
    EXPECT_EQ(d.read(), "");
}

}  // namespace
}  // namespace pop3d::mbox
