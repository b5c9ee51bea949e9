// The front <-> monitor frames from arbitrary bytes: decoding never
// crashes, and whatever decodes re-encodes to the very same bytes (so the
// encoder and decoder enforce one set of rules).
#include <cstdlib>
#include <string>

#include "common/front_frames.h"
#include "fuzz/frame_input.h"

using namespace pop3d;
using namespace pop3d::session;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    std::string_view whole(reinterpret_cast<const char*>(data), size);
    Frame frame = fuzz::frame_from(whole);
    if (auto c = decode_credentials(frame)) {
        auto again = encode_credentials(*c);
        if (!again || again->view() != whole) std::abort();
    }
    if (auto v = decode_verdict(frame)) {
        auto again = encode_verdict(*v);
        if (!again || again->view() != whole) std::abort();
    }
    if (auto h = decode_handover(frame)) {
        auto again = encode_handover(*h);
        if (!again || again->view() != whole) std::abort();
    }
    if (auto e = decode_end(frame)) {
        auto again = encode_end(*e);
        if (!again || again->view() != whole) std::abort();
    }
    return 0;
}
