// Frames between the server's own processes (front <-> monitor <-> pop3d-auth)
// over SOCK_SEQPACKET socketpairs: one message is one frame, a type byte and
// then fields. Building and parsing are pure; every field is length-checked,
// and a parser that meets anything unexpected fails (the caller then ends the
// session: a peer that sends a bad frame is not trusted again).
// Frame buffers may hold passwords, so every one is wiped when it goes away.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/secret.h"

namespace pop3d {

// A received frame: the type byte and the payload after it.
struct Frame {
    std::uint8_t type = 0;
    Secret bytes;  // the payload, without the type byte
    std::string_view payload() const { return bytes.view(); }
};

// Whether a received frame is of a frame family's type (an enum of bytes).
template <typename Type>
bool is_type(const Frame& frame, Type type) {
    return frame.type == static_cast<std::uint8_t>(type);
}

class FrameBuilder {
public:
    explicit FrameBuilder(std::uint8_t type);
    ~FrameBuilder();
    FrameBuilder(const FrameBuilder&) = delete;
    FrameBuilder& operator=(const FrameBuilder&) = delete;

    FrameBuilder& u8(std::uint8_t v);
    FrameBuilder& u32(std::uint32_t v);
    FrameBuilder& u64(std::uint64_t v);
    // A field of up to 2^32-1 bytes, preceded by its length.
    FrameBuilder& bytes(std::string_view v);

    // The whole frame (type byte first); fails if it exceeds limits::frame.
    Result<std::string_view> finish() const;
    // The same, copied into a buffer that is wiped when it goes away.
    Result<Secret> finish_secret() const;

private:
    std::string buf_;
};

class FrameParser {
public:
    explicit FrameParser(std::string_view payload) : rest_(payload) {}
    Result<std::uint8_t> u8();
    Result<std::uint32_t> u32();
    Result<std::uint64_t> u64();
    // A length-prefixed field of at most max bytes; the view points into the
    // payload the parser was given.
    Result<std::string_view> bytes(std::size_t max);
    // Fails unless every byte was consumed.
    Status end() const;

private:
    std::string_view rest_;
};

// Sends one frame; EINTR is retried. Fails with ErrorKind::temporary on a
// closed or broken peer.
Status send_frame(int fd, std::string_view frame);
// Receives one frame of at most limits::frame bytes. A closed peer, an
// empty or truncated message is an error.
Result<Frame> recv_frame(int fd);

}  // namespace pop3d
