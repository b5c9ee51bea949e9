#include "common/frame.h"

#include <sodium.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "common/limits.h"

namespace pop3d {
namespace {

Error bad_frame(const char* why) { return make_error(ErrorKind::invalid, std::string("bad frame: ") + why); }

template <class T>
Result<T> take_int(std::string_view& rest) {
    if (rest.size() < sizeof(T)) return bad_frame("truncated number");
    T v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) v = static_cast<T>((v << 8) | static_cast<unsigned char>(rest[i]));
    rest.remove_prefix(sizeof(T));
    return v;
}

template <class T>
void put_int(std::string& buf, T v) {
    for (std::size_t i = sizeof(T); i-- > 0;) buf.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

FrameBuilder::FrameBuilder(std::uint8_t type) {
    // Reserved up front so that the buffer is never reallocated, which would
    // leave an unwiped copy of a secret behind.
    buf_.reserve(limits::frame + 16);
    buf_.push_back(static_cast<char>(type));
}

FrameBuilder::~FrameBuilder() { sodium_memzero(buf_.data(), buf_.size()); }

FrameBuilder& FrameBuilder::u8(std::uint8_t v) {
    put_int(buf_, v);
    return *this;
}

FrameBuilder& FrameBuilder::u32(std::uint32_t v) {
    put_int(buf_, v);
    return *this;
}

FrameBuilder& FrameBuilder::u64(std::uint64_t v) {
    put_int(buf_, v);
    return *this;
}

FrameBuilder& FrameBuilder::bytes(std::string_view v) {
    // An oversized field makes finish() fail instead of growing the buffer.
    if (buf_.size() + 4 + v.size() > limits::frame) {
        buf_.resize(limits::frame + 1);
        return *this;
    }
    put_int(buf_, static_cast<std::uint32_t>(v.size()));
    buf_.append(v);
    return *this;
}

Result<std::string_view> FrameBuilder::finish() const {
    if (buf_.size() > limits::frame) return bad_frame("too large");
    return std::string_view(buf_);
}

Result<Secret> FrameBuilder::finish_secret() const {
    auto whole = finish();
    if (!whole) return whole.error();
    return Secret(*whole);
}

Result<std::uint8_t> FrameParser::u8() { return take_int<std::uint8_t>(rest_); }
Result<std::uint32_t> FrameParser::u32() { return take_int<std::uint32_t>(rest_); }
Result<std::uint64_t> FrameParser::u64() { return take_int<std::uint64_t>(rest_); }

Result<std::string_view> FrameParser::bytes(std::size_t max) {
    auto len = take_int<std::uint32_t>(rest_);
    if (!len) return len.error();
    if (*len > max) return bad_frame("field too long");
    if (*len > rest_.size()) return bad_frame("truncated field");
    std::string_view v = rest_.substr(0, *len);
    rest_.remove_prefix(*len);
    return v;
}

Status FrameParser::end() const {
    if (!rest_.empty()) return bad_frame("trailing bytes");
    return {};
}

Status send_frame(int fd, std::string_view frame) {
    for (;;) {
        ssize_t n = send(fd, frame.data(), frame.size(), MSG_NOSIGNAL);
        if (n >= 0) {
            if (static_cast<std::size_t>(n) != frame.size()) return bad_frame("short send");
            return {};
        }
        if (errno == EINTR) continue;
        return make_error(ErrorKind::temporary, std::string("send frame: ") + std::strerror(errno));
    }
}

Result<Frame> recv_frame(int fd) {
    // One byte more than allowed tells an oversized message from a full one.
    std::unique_ptr<char[]> buf(new char[limits::frame + 1]);
    ssize_t n;
    do {
        n = recv(fd, buf.get(), limits::frame + 1, MSG_TRUNC);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        int err = errno;
        return make_error(ErrorKind::temporary, std::string("receive frame: ") + std::strerror(err));
    }
    if (n == 0) return make_error(ErrorKind::temporary, "peer closed");
    std::size_t got = static_cast<std::size_t>(n);
    Result<Frame> out = bad_frame("too large");
    if (got <= limits::frame) {
        Frame f;
        f.type = static_cast<std::uint8_t>(buf[0]);
        f.bytes.assign(std::string_view(buf.get() + 1, got - 1));
        out = std::move(f);
    }
    sodium_memzero(buf.get(), std::min(got, limits::frame + 1));
    return out;
}

}  // namespace pop3d
