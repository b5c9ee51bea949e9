// The TRANSACTION/UPDATE state machine over an in-memory maildrop built from
// the input, driven by the rest of it: no crash, and no error at all (the
// maildrop and the output never fail here, so an error can only be a size
// mismatch between STAT/LIST and what RETR produced).
#include <cstdlib>
#include <string>
#include <vector>

#include "common/pop3/command_reader.h"
#include "common/pop3/output.h"
#include "common/pop3/transaction.h"
#include "fuzz/fuzz_input.h"
#include "tests/support/memory_maildrop.h"
#include "tests/support/string_output.h"

using namespace pop3d;
using namespace pop3d::pop3;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Input input(data, size);
    std::uint8_t flags = input.byte();
    std::size_t count = flags & 7;
    std::vector<std::string> messages;
    for (std::size_t i = 0; i < count; ++i) {
        std::size_t length = input.byte();
        messages.emplace_back(input.take(length));
    }
    test::MemoryMaildrop drop(messages, flags & 8, input.byte() % 10);
    drop.chunk_size = input.byte() % 8 + 1;
    std::size_t piece = input.byte() % 64 + 1;

    test::StringOutput out;
    OutputBuffer buffer(out, 256);
    Transaction transaction(drop, buffer);
    CommandReader reader;
    while (!input.empty()) {
        reader.feed(input.take(piece));
        auto done = transaction.serve(reader);
        if (!done) std::abort();
        if (*done) break;
        out.take();
    }
    return 0;
}
