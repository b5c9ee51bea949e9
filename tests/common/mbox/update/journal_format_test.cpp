// The UPDATE journal's bytes: a header and records that decode to what was
// encoded, and that refuse to decode when torn, damaged or foreign.
#include "common/mbox/update/journal_format.h"

#include <gtest/gtest.h>
#include <sodium.h>

namespace pop3d::mbox {
namespace {

JournalHeader sample_header() {
    JournalHeader h;
    h.dev = 0x801;
    h.ino = 123456;
    h.chunk = journal_page;
    auto plan = make_plan({{0, 100}, {200, 50}, {400, 600}}, 1000, 1000);
    EXPECT_TRUE(plan.ok());
    h.plan = *plan;
    h.slot_size = max_saved(h.plan, h.chunk);
    for (std::size_t i = 0; i < h.marker.size(); ++i) h.marker[i] = static_cast<unsigned char>(i * 7 + 1);
    return h;
}

TEST(JournalFormat, HeaderDecodesToWhatWasEncoded) {
    ASSERT_GE(sodium_init(), 0);
    JournalHeader h = sample_header();
    std::string bytes = encode_header(h);
    auto size = header_size(bytes.substr(0, header_fixed_size));
    ASSERT_TRUE(size.ok()) << size.error().message;
    EXPECT_EQ(*size, bytes.size());
    auto back = decode_header(bytes);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->dev, h.dev);
    EXPECT_EQ(back->ino, h.ino);
    EXPECT_EQ(back->chunk, h.chunk);
    EXPECT_EQ(back->slot_size, h.slot_size);
    EXPECT_EQ(back->marker, h.marker);
    EXPECT_EQ(back->plan.prefix, h.plan.prefix);
    EXPECT_EQ(back->plan.new_size, h.plan.new_size);
    EXPECT_EQ(back->plan.move_dst, h.plan.move_dst);
    // A whole journal file is decoded from its first bytes on.
    EXPECT_TRUE(decode_header(bytes + std::string(journal_page, '\0')).ok());
}

TEST(JournalFormat, EveryFlippedHeaderByteIsRefused) {
    ASSERT_GE(sodium_init(), 0);
    std::string bytes = encode_header(sample_header());
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        std::string bad = bytes;
        bad[i] = static_cast<char>(bad[i] ^ 0x10);
        EXPECT_FALSE(decode_header(bad).ok()) << "byte " << i;
    }
}

TEST(JournalFormat, ShortOrForeignHeaderIsRefused) {
    ASSERT_GE(sodium_init(), 0);
    std::string bytes = encode_header(sample_header());
    EXPECT_FALSE(decode_header(bytes.substr(0, bytes.size() - 1)).ok());
    EXPECT_FALSE(decode_header(bytes.substr(0, header_fixed_size - 1)).ok());
    EXPECT_FALSE(header_size(std::string(header_fixed_size, 'x')).ok());
    EXPECT_FALSE(decode_header("").ok());
}

// A header whose checksum is right but whose plan cannot be (a chunk that
// is not a whole number of pages) is refused too.
TEST(JournalFormat, ImpossibleRewriteIsRefused) {
    ASSERT_GE(sodium_init(), 0);
    JournalHeader h = sample_header();
    h.chunk = journal_page + 1;
    EXPECT_FALSE(decode_header(encode_header(h)).ok());
    h = sample_header();
    h.slot_size = h.chunk + 1;
    EXPECT_FALSE(decode_header(encode_header(h)).ok());
}

TEST(JournalFormat, RecordsDecodeToWhatWasEncoded) {
    ASSERT_GE(sodium_init(), 0);
    JournalHeader h = sample_header();
    Record step{5, RecordState::step, h.plan.prefix, h.plan.prefix + 10, 0};
    std::string bytes = encode_record(step, h);
    EXPECT_EQ(bytes.size(), record_size);
    Record back;
    ASSERT_TRUE(decode_record(bytes, h, back));
    EXPECT_EQ(back.seq, 5u);
    EXPECT_EQ(back.state, RecordState::step);
    EXPECT_EQ(back.dst, step.dst);
    EXPECT_EQ(back.end, step.end);
    for (RecordState s : {RecordState::copied, RecordState::marked}) {
        Record r{9, s, 0, 0, 0};
        ASSERT_TRUE(decode_record(encode_record(r, h), h, back));
        EXPECT_EQ(back.state, s);
    }
}

TEST(JournalFormat, TornZeroedOrForeignRecordsAreRefused) {
    ASSERT_GE(sodium_init(), 0);
    JournalHeader h = sample_header();
    Record step{1, RecordState::step, h.plan.prefix, h.plan.prefix + 10, 0};
    std::string bytes = encode_record(step, h);
    Record back;
    EXPECT_FALSE(decode_record(std::string(record_size, '\0'), h, back));
    EXPECT_FALSE(decode_record(bytes.substr(0, record_size - 1), h, back));
    for (std::size_t i = 0; i < record_size; ++i) {
        std::string bad = bytes;
        bad[i] = static_cast<char>(bad[i] ^ 1);
        EXPECT_FALSE(decode_record(bad, h, back)) << "byte " << i;
    }
    // The record is keyed by the marker: one of another journal does not count.
    JournalHeader other = h;
    other.marker[0] ^= 1;
    EXPECT_FALSE(decode_record(bytes, other, back));
}

TEST(JournalFormat, StepRecordOutsideThePlanIsRefused) {
    ASSERT_GE(sodium_init(), 0);
    JournalHeader h = sample_header();
    Record back;
    Record past_end{1, RecordState::step, h.plan.prefix, h.plan.new_size + 1, 0};
    EXPECT_FALSE(decode_record(encode_record(past_end, h), h, back));
    Record before_prefix{1, RecordState::step, h.plan.prefix - 1, h.plan.prefix + 1, 0};
    EXPECT_FALSE(decode_record(encode_record(before_prefix, h), h, back));
    Record saves_too_much{1, RecordState::step, h.plan.prefix, h.plan.prefix + 2, 3};
    EXPECT_FALSE(decode_record(encode_record(saves_too_much, h), h, back));
}

TEST(JournalFormat, SlotsAlternateAfterTheHeaderOnPageBoundaries) {
    JournalHeader h = sample_header();
    EXPECT_EQ(slots_offset(h) % journal_page, 0u);
    EXPECT_GE(slots_offset(h), header_fixed_size + h.plan.moves.size() * 16);
    EXPECT_EQ(slot_record_offset(h, 0), slot_record_offset(h, 2));
    EXPECT_NE(slot_record_offset(h, 0), slot_record_offset(h, 1));
    EXPECT_EQ(slot_data_offset(h, 1) - slot_record_offset(h, 1), journal_page);
    EXPECT_GE(journal_size(h), slot_data_offset(h, 1) + h.slot_size);
}

}  // namespace
}  // namespace pop3d::mbox
