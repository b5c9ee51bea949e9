// What the frame fuzz targets share: the fuzzer's bytes as a received frame
// (first byte the type, the rest the payload), as recv_frame would make it.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/frame.h"

namespace pop3d::fuzz {

inline Frame frame_from(std::string_view whole) {
    Frame frame;
    frame.type = static_cast<std::uint8_t>(whole.front());
    frame.bytes.assign(whole.substr(1));
    return frame;
}

}  // namespace pop3d::fuzz
