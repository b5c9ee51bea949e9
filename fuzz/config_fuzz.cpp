// The configuration parser over arbitrary text: an error or a
// configuration, never a crash; what it accepts, formatted, parses again to
// the same text.
#include <cstdlib>
#include <string>

#include "common/config.h"

using namespace pop3d;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto always = [](const std::string&) { return true; };
    auto config = parse_config(text, "fuzz.conf", always);
    if (!config) return 0;
    std::string formatted = format_config(*config);
    auto again = parse_config(formatted, "formatted.conf", always);
    if (!again || format_config(*again) != formatted) std::abort();
    return 0;
}
