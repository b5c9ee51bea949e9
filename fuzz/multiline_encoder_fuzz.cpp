// The multiline encoder over arbitrary stored bytes cut at arbitrary points:
// the output never depends on the cuts, its size matches the plain reading
// of the rules (the mbox engine's), and no line of it ends the response early.
#include <cstdlib>
#include <string>

#include "common/pop3/multiline_encoder.h"
#include "fuzz/fuzz_input.h"
#include "tests/support/memory_maildrop.h"

using namespace pop3d;
using namespace pop3d::pop3;

namespace {

struct Encoded {
    std::string wire;
    std::uint64_t octets = 0;
    bool done = false;
};

Encoded encode(std::string_view stored, bool unquote, std::optional<std::uint64_t> top,
               std::size_t piece) {
    MultilineEncoder encoder(unquote, top);
    Encoded out;
    WireSink sink = [&](std::string_view b) {
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Input input(data, size);
    std::uint8_t flags = input.byte();
    bool unquote = flags & 1;
    std::optional<std::uint64_t> top;
    if (flags & 2) top = flags >> 2;
    std::size_t piece = input.byte() % 16 + 1;
    std::string_view stored = input.rest();

    Encoded whole = encode(stored, unquote, top, stored.size() + 1);
    Encoded cut = encode(stored, unquote, top, piece);
    if (whole.wire != cut.wire || whole.octets != cut.octets) std::abort();
    if (!top && whole.octets != test::stored_octets(stored, unquote)) std::abort();
    if (("\r\n" + whole.wire).find("\r\n.\r\n") != std::string::npos) std::abort();
    if (!whole.wire.empty() && whole.wire.substr(whole.wire.size() - 2) != "\r\n") std::abort();
    return 0;
}
