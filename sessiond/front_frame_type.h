// Every type of frame between the front and its monitor, numbered once (the
// type byte of common/frame.h): the AUTHORIZATION frames (front_frames.h)
// and the TLS ones (tls_frames.h). The monitor tells a frame's family by
// this byte alone, so no two types share a number, and the TLS types are
// one contiguous block (is_tls_frame).
#pragma once

#include <cstdint>

namespace pop3d::session {

enum class FrameType : std::uint8_t {
    // TLS (tls_frames.h)
    tls_setup = 0xe1,
    sign_request = 0xe2,
    signature = 0xe3,
    tls_started = 0xe4,
    tls_failed = 0xe5,
    // AUTHORIZATION (front_frames.h)
    credentials = 0xf1,
    verdict = 0xf2,
    handover = 0xf3,
    end = 0xf4,
};

constexpr bool is_tls_frame(std::uint8_t type) {
    return type >= static_cast<std::uint8_t>(FrameType::tls_setup) &&
           type <= static_cast<std::uint8_t>(FrameType::tls_failed);
}

}  // namespace pop3d::session
