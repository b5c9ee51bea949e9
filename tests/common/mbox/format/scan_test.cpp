#include "common/mbox/format/scan.h"

#include <gtest/gtest.h>

#include <random>

#include "common/mbox/format/line_count.h"
#include "tests/common/mbox/mbox_gen.h"

namespace pop3d::mbox {
namespace {

std::vector<std::string> contents(const std::string& file) {
    std::vector<Span> spans;
    EXPECT_TRUE(scan(file, 0, spans));
    std::vector<std::string> out;
    for (const Span& s : spans) out.push_back(file.substr(s.body, s.end - s.body));
    return out;
}

using V = std::vector<std::string>;

TEST(MboxScan, EmptyFileHasNoMessages) { EXPECT_EQ(contents(""), V{}); }

TEST(MboxScan, TextBeforeFirstFromLineIsNotAnMbox) {
    std::vector<Span> spans;
    EXPECT_FALSE(scan("Subject: x\n\nFrom a\nbody\n", 0, spans));
    EXPECT_FALSE(scan("\nFrom a\nbody\n", 0, spans));
    EXPECT_FALSE(scan("from a\n", 0, spans));
    EXPECT_TRUE(spans.empty());
}

TEST(MboxScan, SeparatorIsTheEmptyLineBeforeFromLine) {
    EXPECT_EQ(contents("From a\nx\n\nFrom b\ny\n"), (V{"x\n", "y\n"}));
    EXPECT_EQ(contents("From a\r\nx\r\n\r\nFrom b\r\ny\r\n"), (V{"x\r\n", "y\r\n"}));
}

TEST(MboxScan, FromLineWithoutEmptyLineBeforeIsContent) {
    EXPECT_EQ(contents("From a\nFrom b\nx\n"), (V{"From b\nx\n"}));
    EXPECT_EQ(contents("From a\nx\nFrom b\n"), (V{"x\nFrom b\n"}));
    EXPECT_EQ(contents("From a\nx\n\n>From b\n"), (V{"x\n\n>From b\n"}));
    EXPECT_EQ(contents("From a\nx\n\nFromb\n"), (V{"x\n\nFromb\n"}));
}

TEST(MboxScan, OneTrailingEmptyLineAtEndIsSeparator) {
    EXPECT_EQ(contents("From a\nx\n\n"), (V{"x\n"}));
    EXPECT_EQ(contents("From a\nx\n\n\n"), (V{"x\n\n"}));
    EXPECT_EQ(contents("From a\r\nx\r\n\r\n"), (V{"x\r\n"}));
    EXPECT_EQ(contents("From a\nx\n"), (V{"x\n"}));
}

TEST(MboxScan, LastMessageWithoutFinalNewline) {
    EXPECT_EQ(contents("From a\nx\n\nFrom b\nlast"), (V{"x\n", "last"}));
    EXPECT_EQ(contents("From a"), (V{""}));
}

TEST(MboxScan, EmptyMessages) {
    EXPECT_EQ(contents("From a\n\nFrom b\n\nFrom c\n"), (V{"", "", ""}));
    EXPECT_EQ(contents("From a\r\n\r\nFrom b\r\n"), (V{"", ""}));
    EXPECT_EQ(contents("From a\n\n\nFrom b\n"), (V{"\n", ""}));
}

TEST(MboxScan, NulBytesAndLongLinesAreContent) {
    const std::string nul("a\0b\n", 4);
    const std::string long_line(100000, 'y');
    EXPECT_EQ(contents("From a\n" + nul + "\nFrom b\n" + long_line), (V{nul, long_line}));
}

TEST(MboxScan, ResumesAtAMessageStart) {
    const std::string file = "From a\nx\n\nFrom b\ny\n";
    std::vector<Span> spans;
    ASSERT_TRUE(scan(file, 10, spans));
    ASSERT_EQ(spans.size(), 1u);
    EXPECT_EQ(spans[0].from, 10u);
    EXPECT_TRUE(starts_message(file, 10));
    EXPECT_FALSE(starts_message(file, 7));
}

TEST(MboxSize, WireRules) {
    EXPECT_EQ(wire_octets("", 0, false), 0u);
    EXPECT_EQ(wire_octets("a\n", 2, false), 3u);
    EXPECT_EQ(wire_octets("a\r\n", 3, false), 3u);
    EXPECT_EQ(wire_octets("a", 1, false), 3u);
    EXPECT_EQ(wire_octets("\r", 1, false), 3u);          // a lone CR is content
    EXPECT_EQ(wire_octets("a\rb\n", 4, false), 5u);
    EXPECT_EQ(wire_octets(">From x\n", 8, false), 9u);
    EXPECT_EQ(wire_octets(">From x\n", 8, true), 8u);
    EXPECT_EQ(wire_octets(">>From x\n>From\n", 15, true), 9u + 7u);
    EXPECT_EQ(wire_octets("a >From x\n", 10, true), 11u);
}

TEST(MboxSize, CountsAcrossVectorBlocks) {
    // CR LF pairs straddling every 16-byte boundary.
    for (std::size_t shift = 0; shift < 40; ++shift) {
        std::string s(shift, 'x');
        for (int i = 0; i < 50; ++i) s += "abc\r\nde\n\r";
        EXPECT_EQ(wire_octets(s.data(), s.size(), false), testing::model_octets(s, false)) << shift;
    }
}

TEST(MboxScan, SeededRandomMboxesMatchTheModel) {
    for (std::uint64_t seed = 1; seed <= 300; ++seed) {
        std::mt19937_64 rng(seed);
        const auto box = testing::random_mbox(rng, rng() % 12);
        std::vector<Span> spans;
        ASSERT_TRUE(scan(box.file, 0, spans)) << "seed " << seed;
        ASSERT_EQ(spans.size(), box.messages.size()) << "seed " << seed;
        for (std::size_t i = 0; i < spans.size(); ++i) {
            const std::string got = box.file.substr(spans[i].body, spans[i].end - spans[i].body);
            ASSERT_EQ(got, box.messages[i].content) << "seed " << seed << " message " << i;
            for (bool rd : {false, true})
                ASSERT_EQ(wire_octets(got.data(), got.size(), rd), testing::model_octets(got, rd))
                    << "seed " << seed << " message " << i;
        }
    }
}

}  // namespace
}  // namespace pop3d::mbox

namespace pop3d::mbox {
namespace {

// The SSE2 and AVX2 loops against a byte-by-byte count, at every alignment.
TEST(MboxSimd, VariantsAgreeWithPlainLoops) {
    std::mt19937_64 rng(99);
    const char alphabet[] = {'\n', '\r', 'F', 'r', 'o', 'm', ' ', 'x', '\n', '\r'};
    for (int round = 0; round < 200; ++round) {
        std::string s(1 + rng() % 300, 'x');
        for (char& c : s) c = alphabet[rng() % sizeof alphabet];
        if (rng() % 2) s.insert(rng() % s.size(), "\n\nFrom ");
        LineEnds plain;
        for (std::size_t i = 0; i < s.size(); ++i)
            if (s[i] == '\n') {
                ++plain.lf;
                if (i > 0 && s[i - 1] == '\r') ++plain.cr_lf;
            }
        const LineEnds sse2 = count_line_ends_sse2(s.data(), s.size());
        EXPECT_EQ(sse2.lf, plain.lf);
        EXPECT_EQ(sse2.cr_lf, plain.cr_lf);
        std::uint64_t expected_boundary = s.size();
        for (std::size_t i = 1; i + 5 < s.size() + 0 && expected_boundary == s.size(); ++i)
            if (s[i] == '\n' && s.compare(i + 1, 5, "From ") == 0 &&
                (s[i - 1] == '\n' || (i >= 2 && s[i - 1] == '\r' && s[i - 2] == '\n')))
                expected_boundary = i;
        EXPECT_EQ(next_boundary_sse2(s.data(), s.size(), 1, 0), expected_boundary) << s;
        if (!has_avx2()) continue;
        const LineEnds avx2 = count_line_ends_avx2(s.data(), s.size());
        EXPECT_EQ(avx2.lf, plain.lf);
        EXPECT_EQ(avx2.cr_lf, plain.cr_lf);
        EXPECT_EQ(next_boundary_avx2(s.data(), s.size(), 1, 0), expected_boundary) << s;
    }
}

}  // namespace
}  // namespace pop3d::mbox
