#include "common/mbox/indexer.h"

#include <algorithm>

#include "common/mbox/line_count.h"
#include "common/mbox/scan.h"
#include "common/mbox/uid.h"

namespace pop3d::mbox {
namespace {

std::string_view from_line(std::string_view data, const Span& s) {
    std::string_view line = data.substr(s.from, s.body - s.from);
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

}  // namespace

bool prefix_still_valid(std::string_view data, const MessageIndex& earlier) {
    if (earlier.size > data.size()) return false;
    const std::string_view prefix = data.substr(0, earlier.size);
    std::uint64_t previous_end = 0;
    for (std::size_t i = 0; i < earlier.messages.size(); ++i) {
        const IndexedMessage& m = earlier.messages[i];
        if (m.from < previous_end || m.body <= m.from || m.end < m.body ||
            m.end > earlier.extent_end(i) || !starts_message(prefix, m.from))
            return false;
        previous_end = earlier.extent_end(i);
    }
    return earlier.messages.empty() ? earlier.size == 0 : earlier.messages.front().from == 0;
}

Result<MessageIndex> build_index(std::string_view data, const IndexOptions& options,
                                 const MessageIndex* earlier) {
    MessageIndex index;
    std::uint64_t resume = 0;
    const IndexedMessage* old_last = nullptr;
    std::string_view old_last_uid;
    if (earlier && !earlier->messages.empty()) {
        const std::size_t keep = earlier->messages.size() - 1;
        index.messages.reserve(keep);
        for (std::size_t i = 0; i < keep; ++i) index.add(earlier->messages[i], earlier->uid(i));
        old_last = &earlier->messages.back();
        old_last_uid = earlier->uid(keep);
        resume = old_last->from;
    }
    std::vector<Span> spans;
    if (!scan(data, resume, spans))
        return make_error(ErrorKind::permanent, "not an mbox: text before the first From_ line");

    std::vector<UidCandidate> candidates(index.messages.size() + spans.size());
    for (std::size_t i = 0; i < index.messages.size(); ++i) candidates[i].pinned = index.uid(i);
    std::vector<IndexedMessage> fresh(spans.size());
    for (std::size_t k = 0; k < spans.size(); ++k) {
        const Span& s = spans[k];
        const std::string_view content = data.substr(s.body, s.end - s.body);
        IndexedMessage& m = fresh[k];
        m.from = s.from;
        m.body = s.body;
        m.end = s.end;
        m.octets = wire_octets(content.data(), content.size(), options.mboxrd);
        UidCandidate& c = candidates[index.messages.size() + k];
        Derived d = derive(from_line(data, s), content);
        m.fingerprint = d.fingerprint;
        if (k == 0 && old_last && old_last->from == s.from && old_last->body == s.body &&
            old_last->end == s.end && old_last->fingerprint == d.fingerprint) {
            c.pinned = old_last_uid;
            continue;
        }
        c.derived = std::move(d.uid);
        if (options.x_uidl) c.x_uidl = find_x_uidl(content);
    }
    const bool all_pinned = std::all_of(candidates.begin(), candidates.end(),
                                        [](const UidCandidate& c) { return !c.pinned.empty(); });
    std::vector<std::string> ids;
    if (!all_pinned) ids = assign_uids(candidates);
    const std::size_t base = index.messages.size();
    index.messages.reserve(base + spans.size());
    for (std::size_t k = 0; k < spans.size(); ++k)
        index.add(fresh[k], all_pinned ? std::string_view(candidates[base + k].pinned) : std::string_view(ids[base + k]));
    index.size = data.size();
    return index;
}

}  // namespace pop3d::mbox
