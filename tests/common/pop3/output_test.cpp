#include "common/pop3/output.h"

#include <gtest/gtest.h>

#include "tests/support/string_output.h"

namespace pop3d::pop3 {
namespace {

TEST(OutputBuffer, GathersSmallRepliesIntoOneWrite) {
    test::StringOutput out;
    OutputBuffer buffer(out, 64);
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(buffer.append("+OK\r\n").ok());
    EXPECT_EQ(out.writes, 0u);
    ASSERT_TRUE(buffer.flush().ok());
    EXPECT_EQ(out.writes, 1u);
    EXPECT_EQ(out.text.size(), 50u);
    ASSERT_TRUE(buffer.flush().ok());
    EXPECT_EQ(out.writes, 1u);  // nothing buffered, nothing written
}

TEST(OutputBuffer, WritesWhenFullAndKeepsOrder) {
    test::StringOutput out;
    OutputBuffer buffer(out, 8);
    ASSERT_TRUE(buffer.append("abcde").ok());
    ASSERT_TRUE(buffer.append("fghij").ok());  // would overflow: "abcde" goes first
    ASSERT_TRUE(buffer.append(std::string(20, 'k')).ok());  // larger than the buffer
    ASSERT_TRUE(buffer.append("l").ok());
    ASSERT_TRUE(buffer.flush().ok());
    EXPECT_EQ(out.text, "abcdefghij" + std::string(20, 'k') + "l");
    EXPECT_EQ(out.writes, 4u);
    EXPECT_LE(buffer.pending(), 8u);
}

TEST(OutputBuffer, FailureIsFinal) {
    test::StringOutput out;
    out.fail_after_writes = 1;
    OutputBuffer buffer(out, 4);
    ASSERT_TRUE(buffer.append("abc").ok());
    ASSERT_TRUE(buffer.append("de").ok());
    EXPECT_FALSE(buffer.append("fgh").ok());
    EXPECT_FALSE(buffer.append("i").ok());
    EXPECT_FALSE(buffer.flush().ok());
    EXPECT_EQ(out.text, "abc");
}

}  // namespace
}  // namespace pop3d::pop3
