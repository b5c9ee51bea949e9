// The state file's loader over arbitrary bytes (the file lies in a
// directory the user owns): no crash, and what it accepts it writes back
// byte for byte.
#include <cstdlib>
#include <string>

#include "common/mbox/state/state_file.h"

using namespace pop3d;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto state = mbox::parse_state(bytes);
    if (!state) return 0;
    std::string again = mbox::serialize_state(*state);
    if (again != bytes) std::abort();
    return 0;
}
