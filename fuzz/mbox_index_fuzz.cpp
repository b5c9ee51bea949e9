// The mbox indexer over arbitrary file bytes (any sender controls most of
// them), with X-UIDL honoured or not, mboxrd or mboxo: the index is
// consistent, the ids are valid and unique, and RETR of every message sends
// exactly the octets LIST advertised; TOP sends no more than RETR and ends
// its lines properly.
#include <cstdlib>
#include <set>
#include <string>

#include "common/mbox/format/indexer.h"
#include "common/mbox/format/uid.h"
#include "common/pop3/multiline_encoder.h"
#include "fuzz/fuzz_input.h"

using namespace pop3d;

namespace {

struct Sent {
    std::string wire;
    std::uint64_t octets = 0;
};

Sent send(std::string_view stored, bool unquote, std::optional<std::uint64_t> top) {
    pop3::MultilineEncoder encoder(unquote, top);
    Sent out;
    pop3::WireSink sink = [&](std::string_view b) {
        out.wire.append(b);
        return Status{};
    };
    if (!encoder.feed(stored, sink) || !encoder.finish(sink)) std::abort();
    out.octets = encoder.octets();
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Input input(data, size);
    std::uint8_t flags = input.byte();
    mbox::IndexOptions options{(flags & 1) != 0, (flags & 2) != 0};
    std::string_view file = input.rest();
    auto index = mbox::build_index(mbox::FileWindow{file, 0}, options, nullptr);
    if (!index) return 0;
    if (!mbox::index_consistent(*index) || index->size != file.size()) std::abort();
    std::set<std::string_view> ids;
    for (std::size_t i = 0; i < index->messages.size(); ++i) {
        std::string_view id = index->uid(i);
        if (!mbox::valid_uid(id) || !ids.insert(id).second) std::abort();
        const mbox::IndexedMessage& m = index->messages[i];
        std::string_view stored = file.substr(m.body, m.end - m.body);
        Sent retr = send(stored, options.mboxrd, std::nullopt);
        if (retr.octets != m.octets) std::abort();  // LIST said m.octets
        Sent top = send(stored, options.mboxrd, static_cast<std::uint64_t>(flags >> 2));
        if (top.octets > retr.octets) std::abort();
        if (!top.wire.empty() && top.wire.substr(top.wire.size() - 2) != "\r\n") std::abort();
    }
    return 0;
}
