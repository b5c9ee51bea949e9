#include "common/pop3/command_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/limits.h"

namespace pop3d::pop3 {
namespace {

using Kind = ReadLine::Kind;

// Every item the reader has now, as text ("!long", "!byte" for errors).
std::vector<std::string> drain(CommandReader& reader) {
    std::vector<std::string> out;
    while (auto line = reader.next()) {
        switch (line->kind) {
        case Kind::command: out.emplace_back(line->text); break;
        case Kind::too_long: out.emplace_back("!long"); break;
        case Kind::bad_byte: out.emplace_back("!byte"); break;
        }
    }
    return out;
}

using Lines = std::vector<std::string>;

TEST(CommandReader, SplitsCrlfAndBareLf) {
    CommandReader reader;
    reader.feed("STAT\r\nLIST 1\nNOOP\r\n");
    EXPECT_EQ(drain(reader), (Lines{"STAT", "LIST 1", "NOOP"}));
    EXPECT_EQ(reader.unconsumed(), "");
}

TEST(CommandReader, KeepsPartialLineUntilItsEnd) {
    CommandReader reader;
    reader.feed("RE");
    EXPECT_FALSE(reader.has_line());
    EXPECT_EQ(drain(reader), Lines{});
    reader.feed("TR 1\r");
    EXPECT_EQ(drain(reader), Lines{});
    EXPECT_EQ(reader.unconsumed(), "RETR 1\r");
    reader.feed("\n");
    EXPECT_TRUE(reader.has_line());
    EXPECT_EQ(drain(reader), Lines{"RETR 1"});
}

TEST(CommandReader, ByteByByteGivesTheSameLines) {
    std::string input = "USER a\r\nPASS b c\nQUIT\r\n";
    CommandReader reader;
    Lines got;
    for (char c : input) {
        reader.feed(std::string_view(&c, 1));
        for (auto& l : drain(reader)) got.push_back(l);
    }
    EXPECT_EQ(got, (Lines{"USER a", "PASS b c", "QUIT"}));
}

TEST(CommandReader, LongestAllowedLineIsACommand) {
    std::string text(limits::command_line - 2, 'x');
    CommandReader reader;
    reader.feed(text + "\r\n" + text + "\n");
    EXPECT_EQ(drain(reader), (Lines{text, text}));
}

TEST(CommandReader, OneOctetTooLongIsOneError) {
    std::string text(limits::command_line - 1, 'x');
    CommandReader reader;
    reader.feed(text + "\r\nNOOP\r\n" + text + "\nNOOP\n");
    EXPECT_EQ(drain(reader), (Lines{"!long", "NOOP", "!long", "NOOP"}));
}

// RFC 5034 section 4: a SASL response may be longer than a command; the
// caller asks for the larger limit only while it expects one.
TEST(CommandReader, LongerLinesOnlyWhenTheCallerAllowsThem) {
    std::string longest(limits::sasl_response_line - 2, 'Q');
    CommandReader reader;
    reader.feed(longest + "\r\n" + longest + "\r\n" + longest + "Q\r\nNOOP\r\n");
    auto line = reader.next(limits::sasl_response_line);
    ASSERT_TRUE(line);
    EXPECT_EQ(line->kind, ReadLine::Kind::command);
    EXPECT_EQ(line->text, longest);
    line = reader.next();
    ASSERT_TRUE(line);
    EXPECT_EQ(line->kind, ReadLine::Kind::too_long);
    line = reader.next(limits::sasl_response_line);
    ASSERT_TRUE(line);
    EXPECT_EQ(line->kind, ReadLine::Kind::too_long);
    EXPECT_EQ(drain(reader), (Lines{"NOOP"}));
}

// A limit below the line end itself allows only empty lines; it never wraps.
TEST(CommandReader, TinyLimitsDoNotWrap) {
    CommandReader reader;
    reader.feed("\r\nX\r\n");
    for (std::size_t limit : {0, 1}) {
        auto line = reader.next(limit);
        ASSERT_TRUE(line);
        EXPECT_EQ(line->kind, limit == 0 ? ReadLine::Kind::command : ReadLine::Kind::too_long);
    }
}

TEST(CommandReader, MegabyteLineIsOneErrorAndNeverBuffered) {
    CommandReader reader;
    reader.feed("NOOP\r\n");
    std::string chunk(64 * 1024, 'A');
    chunk.replace(1000, 6, "\rSTAT ");  // nothing in the middle may surface
    for (int i = 0; i < 16; ++i) {
        reader.feed(chunk);
        EXPECT_LE(reader.unconsumed().size(), limits::sasl_response_line + 6);
    }
    reader.feed("QUIT\r\nNOOP\r\n");
    EXPECT_EQ(drain(reader), (Lines{"NOOP", "!long", "NOOP"}));
}

TEST(CommandReader, MegabyteLineInOneFeed) {
    CommandReader reader;
    std::string line(1 << 20, 'B');
    reader.feed("NOOP\r\n" + line + "\r\nSTAT\r\n");
    EXPECT_LE(reader.unconsumed().size(), 6 + limits::sasl_response_line + 1 + 6);
    EXPECT_EQ(drain(reader), (Lines{"NOOP", "!long", "STAT"}));
}

TEST(CommandReader, NulAndControlBytesAreErrors) {
    CommandReader reader;
    reader.feed(std::string("US\0R a\r\n", 8));
    reader.feed("LIST\t1\r\nNOOP\rX\r\nDEL\x7f\r\nRETR \x80\r\n");
    EXPECT_EQ(drain(reader), (Lines{"!byte", "!byte", "!byte", "!byte", "RETR \x80"}));
}

TEST(CommandReader, EmptyLinesAreEmptyCommands) {
    CommandReader reader;
    reader.feed("\r\n\n");
    EXPECT_EQ(drain(reader), (Lines{"", ""}));
}

TEST(CommandReader, UnconsumedBytesReplayInAnotherReader) {
    CommandReader front;
    front.feed("USER a\r\nPASS b\r\nSTAT\r\nLIST 1\r\nRE");
    ASSERT_EQ(drain(front).size(), 4u);
    EXPECT_EQ(front.unconsumed(), "RE");
    CommandReader front2("USER a\r\nPASS b\r\nSTAT\r\nLI");
    EXPECT_EQ(front2.next()->text, "USER a");
    EXPECT_EQ(front2.next()->text, "PASS b");
    CommandReader session(front2.unconsumed());
    session.feed("ST\r\n");
    EXPECT_EQ(drain(session), (Lines{"STAT", "LIST"}));
}

TEST(CommandReader, OverlongLineInProgressStaysOverlongAfterHandOver) {
    CommandReader front;
    front.feed("PASS x\r\n" + std::string(5000, 'y'));
    EXPECT_EQ(drain(front), Lines{"PASS x"});
    CommandReader session(front.unconsumed());
    session.feed(std::string(5000, 'y') + "STAT\r\nNOOP\r\n");
    EXPECT_EQ(drain(session), (Lines{"!long", "NOOP"}));
}

TEST(CommandReader, DiscardDropsEverything) {
    CommandReader reader;
    reader.feed("STLS\r\nCAPA\r\n" + std::string(400, 'z'));
    EXPECT_EQ(reader.next()->text, "STLS");
    reader.discard();
    EXPECT_FALSE(reader.has_line());
    EXPECT_EQ(reader.unconsumed(), "");
    reader.feed("zz\r\nNOOP\r\n");  // the over-long line's tail is a new line now
    EXPECT_EQ(drain(reader), (Lines{"zz", "NOOP"}));
}

TEST(CommandReader, HundredPipelinedCommandsInOneBuffer) {
    std::string input;
    for (int i = 1; i <= 100; ++i) input += "LIST " + std::to_string(i) + "\r\n";
    CommandReader reader(input);
    Lines got = drain(reader);
    ASSERT_EQ(got.size(), 100u);
    EXPECT_EQ(got.front(), "LIST 1");
    EXPECT_EQ(got.back(), "LIST 100");
}

}  // namespace
}  // namespace pop3d::pop3
