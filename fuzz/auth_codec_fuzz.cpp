// The monitor <-> pop3d-auth frames from arbitrary bytes: decoding never
// crashes, and whatever decodes re-encodes to the very same bytes (so the
// encoder and decoder enforce one set of rules).
#include "common/auth/codec.h"
#include "fuzz/frame_input.h"

using namespace pop3d;
using namespace pop3d::auth;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    std::string_view whole(reinterpret_cast<const char*>(data), size);
    Frame frame = fuzz::frame_from(whole);
    fuzz::check_round_trip(decode_request(frame), whole, [](const auto& r) { return encode_request(r); });
    fuzz::check_round_trip(decode_verdict(frame), whole, [](const auto& v) { return encode_verdict(v); });
    return 0;
}
