#include "common/pop3/multiline_encoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/limits.h"
#include "tests/support/memory_maildrop.h"

namespace pop3d::pop3 {
namespace {

struct Encoded {
    std::string wire;  // without the terminating line
    std::uint64_t octets = 0;
};

// Encodes `stored` cut into pieces at the given offsets.
Encoded encode(std::string_view stored, bool unquote, std::vector<std::size_t> cuts = {},
               std::optional<std::uint64_t> top = std::nullopt) {
    MultilineEncoder encoder(unquote, top);
    Encoded out;
    WireSink sink = [&](std::string_view b) {
        out.wire.append(b);
        return Status{};
    };
    std::size_t at = 0;
    cuts.push_back(stored.size());
    for (std::size_t cut : cuts) {
        EXPECT_TRUE(encoder.feed(stored.substr(at, cut - at), sink).ok());
        at = cut;
    }
    EXPECT_TRUE(encoder.finish(sink).ok());
    out.octets = encoder.octets();
    return out;
}

// What a client keeps of a multi-line body: dot-stuffing removed.
std::string unstuff(std::string_view wire) {
    std::string out;
    bool line_start = true;
    for (char c : wire) {
        bool stuffing = line_start && c == '.';
        line_start = c == '\n';
        if (!stuffing) out += c;
    }
    return out;
}

// Stored messages covering each rule, with the expected wire body.
struct Case {
    std::string stored;
    bool unquote;
    std::string wire;
};

const std::vector<Case>& cases() {
    static const std::vector<Case> all{
        {"", false, ""},
        {"a\n", false, "a\r\n"},
        {"a\r\n", false, "a\r\n"},
        {"no end", false, "no end\r\n"},
        {"mixed\r\nends\nhere", false, "mixed\r\nends\r\nhere\r\n"},
        {".leading\n..two\n.\nmid.dle\n", false, "..leading\r\n...two\r\n..\r\nmid.dle\r\n"},
        {".", false, "..\r\n"},
        {"\n\n", false, "\r\n\r\n"},
        {"bare\rcr\n", false, "bare\rcr\r\n"},
        {"cr at end\r", false, "cr at end\r\r\n"},
        {"\r.x\n", false, "\r.x\r\n"},
        {"two\r\r\n", false, "two\r\r\n"},
        {">From a\n>>From b\nFrom c\n>From\n>Fromx\n>>\n>\n", true,
         "From a\r\n>From b\r\nFrom c\r\n>From\r\n>Fromx\r\n>>\r\n>\r\n"},
        {">From a\n>>From b\n", false, ">From a\r\n>>From b\r\n"},
        {">>>Fro", true, ">>>Fro\r\n"},
        {">>From ", true, ">From \r\n"},
        {">.x\n>\r\n>F\r\n", true, ">.x\r\n>\r\n>F\r\n"},
        {"H: 1\n\nbody\n", false, "H: 1\r\n\r\nbody\r\n"},
    };
    return all;
}

TEST(MultilineEncoder, EveryRule) {
    for (const Case& c : cases()) {
        Encoded e = encode(c.stored, c.unquote);
        EXPECT_EQ(e.wire, c.wire) << "stored: " << c.stored;
        EXPECT_EQ(e.octets, test::stored_octets(c.stored, c.unquote)) << c.stored;
        EXPECT_EQ(e.octets, unstuff(e.wire).size()) << c.stored;
    }
}

TEST(MultilineEncoder, ChunkBoundariesAnywhere) {
    for (const Case& c : cases()) {
        for (std::size_t a = 0; a <= c.stored.size(); ++a) {
            for (std::size_t b = a; b <= c.stored.size(); ++b) {
                Encoded e = encode(c.stored, c.unquote, {a, b});
                ASSERT_EQ(e.wire, c.wire) << c.stored << " cut at " << a << "," << b;
                ASSERT_EQ(e.octets, test::stored_octets(c.stored, c.unquote));
            }
        }
        std::vector<std::size_t> every;
        for (std::size_t i = 0; i < c.stored.size(); ++i) every.push_back(i);
        EXPECT_EQ(encode(c.stored, c.unquote, every).wire, c.wire);
    }
}

TEST(MultilineEncoder, NoStuffedLineLooksLikeTheTerminator) {
    for (const Case& c : cases()) {
        std::string wire = "\r\n" + encode(c.stored, c.unquote).wire;
        EXPECT_EQ(wire.find("\r\n.\r\n"), std::string::npos) << c.stored;
    }
}

const std::string mail = "Subject: x\r\nFrom: y\n\r\n.one\ntwo\r\nthree\nfour";

TEST(MultilineEncoder, TopZeroSendsHeadersAndTheBlankLine) {
    EXPECT_EQ(encode(mail, false, {}, 0).wire, "Subject: x\r\nFrom: y\r\n\r\n");
}

TEST(MultilineEncoder, TopCountsBodyLines) {
    EXPECT_EQ(encode(mail, false, {}, 1).wire, "Subject: x\r\nFrom: y\r\n\r\n..one\r\n");
    EXPECT_EQ(encode(mail, false, {}, 3).wire,
              "Subject: x\r\nFrom: y\r\n\r\n..one\r\ntwo\r\nthree\r\n");
}

TEST(MultilineEncoder, TopPastTheEndSendsTheWholeMessage) {
    std::string whole = encode(mail, false).wire;
    EXPECT_EQ(encode(mail, false, {}, 4).wire, whole);
    EXPECT_EQ(encode(mail, false, {}, 1000).wire, whole);
    EXPECT_EQ(encode(mail, false, {}, UINT64_MAX).wire, whole);
}

TEST(MultilineEncoder, TopWithoutBlankLineIsAllHeader) {
    std::string headers = "A: 1\nB: 2";
    EXPECT_EQ(encode(headers, false, {}, 0).wire, "A: 1\r\nB: 2\r\n");
}

TEST(MultilineEncoder, TopStopsAndSaysDone) {
    MultilineEncoder encoder(false, 0);
    std::string wire;
    WireSink sink = [&](std::string_view b) {
        wire.append(b);
        return Status{};
    };
    ASSERT_TRUE(encoder.feed("H: v\n\nbody\nmore\n", sink).ok());
    EXPECT_TRUE(encoder.done());
    ASSERT_TRUE(encoder.finish(sink).ok());
    EXPECT_EQ(wire, "H: v\r\n\r\n");
}

TEST(MultilineEncoder, SinkErrorStopsTheStream) {
    MultilineEncoder encoder(false);
    int calls = 0;
    WireSink failing = [&](std::string_view) -> Status {
        ++calls;
        return make_error(ErrorKind::temporary, "gone");
    };
    EXPECT_FALSE(encoder.feed("abc\ndef\n", failing).ok());
    EXPECT_EQ(calls, 1);
}

// Lines go out in batches of at most limits::encoder_stage octets, not one
// call per line end: 100,100 octets are 7 batches of 16 KiB or less.
TEST(MultilineEncoder, LargeMessageGoesOutInBatches) {
    std::string line(999, 'x');
    std::string stored;
    for (int i = 0; i < 100; ++i) stored += line + "\n";
    MultilineEncoder encoder(true);
    std::size_t pieces = 0, octets = 0, largest = 0;
    WireSink sink = [&](std::string_view bytes) {
        ++pieces;
        octets += bytes.size();
        largest = std::max(largest, bytes.size());
        return Status{};
    };
    ASSERT_TRUE(encoder.feed(stored, sink).ok());
    ASSERT_TRUE(encoder.finish(sink).ok());
    EXPECT_EQ(pieces, 7u);
    EXPECT_LE(largest, limits::encoder_stage);
    EXPECT_EQ(octets, 100u * 1001u);
    EXPECT_EQ(encoder.octets(), 100u * 1001u);
}

}  // namespace
}  // namespace pop3d::pop3
