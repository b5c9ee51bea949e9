// The command reader and parser fed arbitrary bytes in arbitrary pieces:
// no crash, no line longer than the limit or holding a control byte, the
// buffer bounded, and a reader built from unconsumed() agreeing with the
// original.
#include <cstdlib>
#include <string>
#include <vector>

#include "common/limits.h"
#include "common/pop3/command.h"
#include "common/pop3/command_reader.h"
#include "fuzz/fuzz_input.h"

using namespace pop3d;
using namespace pop3d::pop3;

namespace {

void drain(CommandReader& reader, std::vector<std::string>& seen) {
    while (auto line = reader.next()) {
        if (line->kind != ReadLine::Kind::command) {
            seen.push_back(line->kind == ReadLine::Kind::too_long ? "\x01long" : "\x01byte");
            continue;
        }
        if (line->text.size() > limits::command_line - 2) std::abort();
        for (char c : line->text) {
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) std::abort();
        }
        auto command = parse_command(line->text);
        if (!command && command.error().message.size() > 100) std::abort();
        seen.emplace_back(line->text);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Input input(data, size);
    std::size_t piece = input.byte() % 64 + 1;
    std::size_t handover_at = input.byte();
    std::string_view bytes = input.rest();

    CommandReader whole(bytes);
    std::vector<std::string> expected;
    drain(whole, expected);

    CommandReader first;
    std::vector<std::string> got;
    std::size_t pieces = 0;
    std::string_view rest = bytes;
    while (!rest.empty() && pieces++ != handover_at) {
        first.feed(rest.substr(0, piece));
        rest.remove_prefix(std::min(piece, rest.size()));
        drain(first, got);
        if (first.unconsumed().size() > limits::sasl_response_line + 1) std::abort();
    }
    // Hand over to a second reader, as the front does after login.
    CommandReader second(first.unconsumed());
    second.feed(rest);
    drain(second, got);
    if (got != expected) std::abort();
    return 0;
}
