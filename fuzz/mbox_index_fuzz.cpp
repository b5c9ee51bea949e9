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
#include "fuzz/fuzz_input.h"
#include "fuzz/multiline_output.h"

using namespace pop3d;

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
        fuzz::Encoded retr = fuzz::encode_multiline(stored, options.mboxrd, std::nullopt);
        if (retr.octets != m.octets) std::abort();  // LIST said m.octets
        fuzz::Encoded top = fuzz::encode_multiline(stored, options.mboxrd, static_cast<std::uint64_t>(flags >> 2));
        if (top.octets > retr.octets) std::abort();
        if (!top.wire.empty() && top.wire.substr(top.wire.size() - 2) != "\r\n") std::abort();
    }
    return 0;
}
