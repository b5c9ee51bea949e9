// Frames as recv_frame would deliver them, for the frame codecs' tests: a
// whole encoded frame split into its type and payload, or a payload of a
// type as any peer could send it.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/frame.h"
#include "common/secret.h"

namespace pop3d::test {

inline Frame as_received(const Secret& whole) {
    Frame f;
    f.type = static_cast<std::uint8_t>(whole.view()[0]);
    f.bytes.assign(whole.view().substr(1));
    return f;
}

template <typename Type>
Frame raw_frame(Type type, std::string_view payload) {
    Frame f;
    f.type = static_cast<std::uint8_t>(type);
    f.bytes.assign(payload);
    return f;
}

}  // namespace pop3d::test
