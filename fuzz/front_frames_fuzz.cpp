// The front <-> monitor frames from arbitrary bytes: decoding never
// crashes, and whatever decodes re-encodes to the very same bytes (so the
// encoder and decoder enforce one set of rules).
#include "fuzz/frame_input.h"
#include "sessiond/front_frames.h"

using namespace pop3d;
using namespace pop3d::session;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    std::string_view whole(reinterpret_cast<const char*>(data), size);
    Frame frame = fuzz::frame_from(whole);
    fuzz::check_round_trip(decode_credentials(frame), whole, [](const auto& c) { return encode_credentials(c); });
    fuzz::check_round_trip(decode_verdict(frame), whole, [](const auto& v) { return encode_verdict(v); });
    fuzz::check_round_trip(decode_handover(frame), whole, [](const auto& h) { return encode_handover(h); });
    fuzz::check_round_trip(decode_end(frame), whole, [](const auto& e) { return encode_end(e); });
    return 0;
}
