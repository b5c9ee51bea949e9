#include "common/frame.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/limits.h"

namespace pop3d {
namespace {

TEST(Frame, BuildAndParseRoundTrip) {
    FrameBuilder b(7);
    b.u8(1).u32(0xdeadbeef).u64(1ULL << 40).bytes("alice").bytes("");
    auto f = b.finish();
    ASSERT_TRUE(f.ok());
    ASSERT_EQ(static_cast<unsigned char>(f->front()), 7);
    FrameParser p(f->substr(1));
    EXPECT_EQ(*p.u8(), 1);
    EXPECT_EQ(*p.u32(), 0xdeadbeefu);
    EXPECT_EQ(*p.u64(), 1ULL << 40);
    EXPECT_EQ(*p.bytes(16), "alice");
    EXPECT_EQ(*p.bytes(16), "");
    EXPECT_TRUE(p.end().ok());
}

TEST(Frame, ParserRefusesTruncationOverlongAndTrailingBytes) {
    FrameBuilder b(1);
    b.bytes("abcdef");
    std::string whole(*b.finish());
    std::string payload = whole.substr(1);
    EXPECT_FALSE(FrameParser(payload).bytes(5).ok());
    EXPECT_FALSE(FrameParser(payload.substr(0, 7)).bytes(64).ok());
    EXPECT_FALSE(FrameParser(payload.substr(0, 2)).u32().ok());
    const std::string longer = payload + "x";
    FrameParser extra(longer);
    ASSERT_TRUE(extra.bytes(64).ok());
    EXPECT_FALSE(extra.end().ok());
}

TEST(Frame, BuilderRefusesOversizedFrames) {
    FrameBuilder b(1);
    b.bytes(std::string(limits::frame, 'x'));
    EXPECT_FALSE(b.finish().ok());
}

TEST(Frame, SendAndReceiveOverSeqpacket) {
    int sv[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
    FrameBuilder b(3);
    b.bytes("secret");
    ASSERT_TRUE(send_frame(sv[0], *b.finish()).ok());
    auto got = recv_frame(sv[1]);
    ASSERT_TRUE(got.ok()) << got.error().message;
    EXPECT_EQ(got->type, 3);
    FrameParser p(got->payload());
    EXPECT_EQ(*p.bytes(64), "secret");
    close(sv[0]);
    EXPECT_FALSE(recv_frame(sv[1]).ok());  // closed peer
    close(sv[1]);
}

TEST(Frame, OversizedMessageOnTheWireIsRefused) {
    int sv[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
    int big = 256 * 1024;
    ASSERT_EQ(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big), 0);
    std::string huge(limits::frame + 10, 'y');
    ASSERT_EQ(send(sv[0], huge.data(), huge.size(), 0), static_cast<ssize_t>(huge.size()));
    EXPECT_FALSE(recv_frame(sv[1]).ok());
    close(sv[0]);
    close(sv[1]);
}

TEST(Secret, HoldsAndWipes) {
    Secret s("hunter2");
    EXPECT_EQ(s.view(), "hunter2");
    Secret t = std::move(s);
    EXPECT_TRUE(s.empty());
    EXPECT_EQ(t.view(), "hunter2");
    t.wipe();
    EXPECT_TRUE(t.empty());
}

}  // namespace
}  // namespace pop3d
