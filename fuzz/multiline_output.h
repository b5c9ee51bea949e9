// What the multiline encoder sends for one stored message, for the fuzz
// targets that check its output: the wire bytes and the octets it counted,
// the message fed in pieces of `piece` bytes (by default all at once). A
// sink that cannot fail leaves the encoder no reason to: a failure aborts.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "common/pop3/multiline_encoder.h"

namespace pop3d::fuzz {

struct Encoded {
    std::string wire;
    std::uint64_t octets = 0;
};

inline Encoded encode_multiline(std::string_view stored, bool unquote, std::optional<std::uint64_t> top,
                                std::size_t piece = std::string_view::npos) {
    pop3::MultilineEncoder encoder(unquote, top);
    Encoded out;
    pop3::WireSink sink = [&](std::string_view b) {
        out.wire.append(b);
        return Status{};
    };
    while (!stored.empty() && !encoder.done()) {
        if (!encoder.feed(stored.substr(0, piece), sink)) std::abort();
        stored.remove_prefix(std::min(piece, stored.size()));
    }
    if (!encoder.finish(sink)) std::abort();
    out.octets = encoder.octets();
    return out;
}

}  // namespace pop3d::fuzz
