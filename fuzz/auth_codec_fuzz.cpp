// The monitor <-> pop3d-auth frames from arbitrary bytes: decoding never
// crashes, and whatever decodes re-encodes to the very same bytes (so the
// encoder and decoder enforce one set of rules).
#include <cstdlib>
#include <string>

#include "common/auth/codec.h"
#include "fuzz/frame_input.h"

using namespace pop3d;
using namespace pop3d::auth;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    std::string_view whole(reinterpret_cast<const char*>(data), size);
    Frame frame = fuzz::frame_from(whole);
    if (auto request = decode_request(frame)) {
        auto again = encode_request(*request);
        if (!again || again->view() != whole) std::abort();
    }
    if (auto verdict = decode_verdict(frame)) {
        auto again = encode_verdict(*verdict);
        if (!again || *again != whole) std::abort();
    }
    return 0;
}
