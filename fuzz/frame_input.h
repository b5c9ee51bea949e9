// What the frame fuzz targets share: the fuzzer's bytes as a received frame
// (first byte the type, the rest the payload), as recv_frame would make it.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/frame.h"
#include "common/secret.h"

namespace pop3d::fuzz {

inline Frame frame_from(std::string_view whole) {
    Frame frame;
    frame.type = static_cast<std::uint8_t>(whole.front());
    frame.bytes.assign(whole.substr(1));
    return frame;
}

inline std::string_view bytes_of(const Secret& s) { return s.view(); }
inline std::string_view bytes_of(const std::string& s) { return s; }

// Whatever decoded re-encodes to the very same bytes, so the encoder and
// the decoder enforce one set of rules; anything else aborts.
template <typename Decoded, typename Encode>
void check_round_trip(const Decoded& decoded, std::string_view whole, Encode encode) {
    if (!decoded) return;
    auto again = encode(*decoded);
    if (!again || bytes_of(*again) != whole) std::abort();
}

}  // namespace pop3d::fuzz
