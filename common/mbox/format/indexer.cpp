#include "common/mbox/format/indexer.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <optional>
#include <system_error>
#include <thread>

#include "common/limits.h"
#include "common/mbox/format/line_count.h"
#include "common/mbox/format/scan.h"
#include "common/mbox/format/uid.h"

namespace pop3d::mbox {
namespace {

std::string_view from_line(std::string_view data, const Span& s) {
    std::string_view line = data.substr(s.from, s.body - s.from);
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

}  // namespace

bool index_consistent(const MessageIndex& index) {
    if (index.messages.empty()) return index.size == 0;
    if (index.messages.front().from != 0) return false;
    for (std::size_t i = 0; i < index.messages.size(); ++i) {
        const IndexedMessage& m = index.messages[i];
        const std::uint64_t extent = index.extent_end(i);
        if (m.body <= m.from || m.body > extent || m.end < m.body || m.end > extent ||
            extent > index.size || (i + 1 < index.messages.size() && extent <= m.from))
            return false;
    }
    return true;
}

std::vector<std::uint64_t> offsets_to_check(const MessageIndex& earlier) {
    const std::size_t n = earlier.messages.size();
    const std::size_t samples = limits::state_check_samples;
    std::vector<std::uint64_t> offsets;
    if (n <= samples) {
        for (const auto& m : earlier.messages) offsets.push_back(m.from);
        return offsets;
    }
    for (std::size_t k = 0; k < samples; ++k) offsets.push_back(earlier.messages[k * (n - 1) / (samples - 1)].from);
    return offsets;
}

namespace {

// One part of the file, indexed by one thread: the messages and what their
// ids derive from.
struct Part {
    std::uint64_t begin = 0, end = 0;
    bool is_mbox = true;
    std::vector<IndexedMessage> messages;
    std::vector<UidCandidate> candidates;
};

// Each message is sized and hashed right after it is found, while its
// bytes are still in the CPU cache: one trip through memory, not two.
// Offsets in data are relative to the window; the index gets file offsets.
void index_part(std::string_view data, std::uint64_t base, const IndexOptions& options, Part& part) {
    const std::string_view range = data.substr(0, part.end);
    if (part.begin < range.size() && range.substr(part.begin, 5) != "From ") {
        part.is_mbox = false;
        return;
    }
    for (std::uint64_t from = part.begin; from < range.size();) {
        const Span s = scan_one(range, from, &from);
        const std::string_view content = data.substr(s.body, s.end - s.body);
        IndexedMessage& m = part.messages.emplace_back();
        m.from = base + s.from;
        m.body = base + s.body;
        m.end = base + s.end;
        m.octets = wire_octets(content.data(), content.size(), options.mboxrd);
        Derived d = derive(from_line(data, s), content);
        m.fingerprint = d.fingerprint;
        UidCandidate& c = part.candidates.emplace_back();
        c.derived = std::move(d.uid);
        if (options.x_uidl) c.x_uidl = find_x_uidl(content);
    }
}

// Below this many bytes a second thread costs more than it saves.
constexpr std::uint64_t parallel_threshold = 4 * 1024 * 1024;

// Indexes data[begin, size) in two halves on two threads when it is large.
// A line "From " after an empty line starts a message wherever it is found
// (every LF ends a From_ line or a content line), so the halves can be split
// at the first such line after the middle and scanned independently; the
// first half's last separator is then its trailing empty line, which the
// scanner drops just as it drops the one before the next From_ line.
std::vector<Part> index_parts(std::string_view data, std::uint64_t base, std::uint64_t begin,
                              const IndexOptions& options) {
    std::vector<Part> parts(1);
    parts[0].begin = begin;
    parts[0].end = data.size();
    if (data.size() - begin >= parallel_threshold) {
        const std::uint64_t middle = begin + (data.size() - begin) / 2;
        std::size_t split = data.find("\nFrom ", middle);
        while (split != std::string_view::npos && !starts_message(data, split + 1))
            split = data.find("\nFrom ", split + 1);
        if (split != std::string_view::npos) {
            parts.resize(2);
            parts[1].begin = split + 1;
            parts[1].end = data.size();
            parts[0].end = split + 1;
        }
    }
    if (parts.size() == 2) {
        try {
            std::thread second([&] { index_part(data, base, options, parts[1]); });
            index_part(data, base, options, parts[0]);
            second.join();
            return parts;
        } catch (const std::system_error&) {
            // No thread (a sandbox or a limit): index it all on this one.
            parts.resize(1);
            parts[0].end = data.size();
            parts[0].messages.clear();
            parts[0].candidates.clear();
        }
    }
    index_part(data, base, options, parts[0]);
    return parts;
}

}  // namespace

Result<MessageIndex> build_index(FileWindow window, const IndexOptions& options,
                                 MessageIndex* earlier) {
    MessageIndex index;
    std::uint64_t resume = 0;
    std::optional<IndexedMessage> old_last;
    std::string old_last_uid;
    if (earlier && !earlier->messages.empty()) {
        old_last = earlier->messages.back();
        if (old_last->from < window.offset)
            return make_error(ErrorKind::temporary, "index window starts after the last indexed message");
        resume = old_last->from - window.offset;
        old_last_uid = std::string(earlier->uid(earlier->messages.size() - 1));
        // Taken over whole, not copied: reopening a large maildrop costs
        // only the new mail.
        index = std::move(*earlier);
        index.messages.pop_back();
        index.uid_text.resize(old_last->uid_at);
    }
    std::vector<Part> parts = index_parts(window.bytes, window.offset, resume, options);
    for (const Part& part : parts)
        if (!part.is_mbox)
            return make_error(ErrorKind::permanent, "not an mbox: text before the first From_ line");

    std::vector<IndexedMessage> fresh;
    std::vector<UidCandidate> candidates;
    for (Part& part : parts) {
        fresh.insert(fresh.end(), part.messages.begin(), part.messages.end());
        for (auto& c : part.candidates) candidates.push_back(std::move(c));
    }
    parts.clear();  // what stays per message must be only the index
    parts.shrink_to_fit();
    // The last message of the earlier index keeps its id if new mail did not
    // change it.
    if (old_last && !fresh.empty()) {
        const IndexedMessage& now = fresh.front();
        if (old_last->from == now.from && old_last->body == now.body && old_last->end == now.end &&
            old_last->fingerprint == now.fingerprint)
            candidates.front().pinned = old_last_uid;
    }
    std::deque<std::string> storage;
    const std::vector<std::string_view> ids = assign_uids(
        [&](const std::function<void(std::string_view)>& visit) {
            for (std::size_t i = 0; i < index.messages.size(); ++i) visit(index.uid(i));
        },
        candidates, storage);
    index.messages.reserve(index.messages.size() + fresh.size());
    for (std::size_t k = 0; k < fresh.size(); ++k) index.add(fresh[k], ids[k]);
    index.size = window.file_size();
    return index;
}

}  // namespace pop3d::mbox
