// The multiline encoder over arbitrary stored bytes cut at arbitrary points:
// the output never depends on the cuts, its size matches the plain reading
// of the rules (the mbox engine's), and no line of it ends the response early.
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_input.h"
#include "fuzz/multiline_output.h"
#include "tests/support/memory_maildrop.h"

using namespace pop3d;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Input input(data, size);
    std::uint8_t flags = input.byte();
    bool unquote = flags & 1;
    std::optional<std::uint64_t> top;
    if (flags & 2) top = flags >> 2;
    std::size_t piece = input.byte() % 16 + 1;
    std::string_view stored = input.rest();

    fuzz::Encoded whole = fuzz::encode_multiline(stored, unquote, top);
    fuzz::Encoded cut = fuzz::encode_multiline(stored, unquote, top, piece);
    if (whole.wire != cut.wire || whole.octets != cut.octets) std::abort();
    if (!top && whole.octets != test::stored_octets(stored, unquote)) std::abort();
    if (("\r\n" + whole.wire).find("\r\n.\r\n") != std::string::npos) std::abort();
    if (!whole.wire.empty() && whole.wire.substr(whole.wire.size() - 2) != "\r\n") std::abort();
    return 0;
}
