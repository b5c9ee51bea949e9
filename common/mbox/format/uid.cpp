// Why these bytes feed the derived id.
//
// Hashing every byte of every message would cost as much as reading the
// whole maildrop through BLAKE2b at first open (about a second for 512 MiB),
// ten times the budget of the scan itself. The id only has to tell apart the
// messages of one maildrop and stay the same while the message is unchanged,
// so it hashes bounded samples that almost always differ between two
// messages: the From_ line (envelope sender and delivery time, to the
// second), the start of the content (the header: Received lines with queue
// ids and times, Message-ID, Date), the end of the content, and the exact
// content length. Two different messages that agree in all of these still
// get distinct ids, through the collision suffix, so uniqueness never rests
// on the sampling; only stability does, and the samples cover every part a
// mail reader rewriting the file would change (Status headers, the From_
// line, separators are outside the content).
//
// Collisions (byte-identical copies) get ".2", ".3"... in file order. When a
// copy is deleted, the order-derived suffix of the next copy would shift and
// a client deleting by UIDL could then delete the copy it has not seen
// under that id; the state file therefore pins every id once assigned, and
// assign_uids() keeps pinned ids and gives a new copy a suffix above every
// pinned one of its kind, so that after "id" is deleted while "id.2" stays,
// a new copy becomes "id.3", not the "id" a client saw deleted. (An id is
// reused only when every copy was deleted and a state file no longer
// remembers any; the copies are byte-identical, so a client that skips the
// new one as already seen has that content.)
#include "common/mbox/format/uid.h"

#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>

#include "common/limits.h"

namespace pop3d::mbox {
namespace {

void hash_part(crypto_generichash_state& st, std::string_view part) {
    const std::uint64_t n = part.size();
    unsigned char len[8];
    for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
    crypto_generichash_update(&st, len, sizeof len);
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(part.data()), part.size());
}

bool iequal_prefix(std::string_view line, std::string_view prefix) {
    if (line.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char a = line[i];
        if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
        if (a != prefix[i]) return false;
    }
    return true;
}

}  // namespace

Derived derive(std::string_view from_line, std::string_view content) {
    crypto_generichash_state st;
    unsigned char digest[16];
    crypto_generichash_init(&st, nullptr, 0, sizeof digest);
    hash_part(st, "pop3d-uid-1");
    hash_part(st, from_line.substr(0, limits::uid_from_line_sample));
    const std::size_t head = std::min(content.size(), limits::uid_head_sample);
    const std::size_t tail = std::min(content.size() - head, limits::uid_tail_sample);
    hash_part(st, content.substr(0, head));
    hash_part(st, content.substr(content.size() - tail));
    unsigned char len[8];
    for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(content.size() >> (8 * i));
    crypto_generichash_update(&st, len, sizeof len);
    crypto_generichash_final(&st, digest, sizeof digest);
    char text[sodium_base64_ENCODED_LEN(sizeof digest, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(text, sizeof text, digest, sizeof digest,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    Derived d;
    d.uid = text;
    for (int i = 0; i < 8; ++i) d.fingerprint |= std::uint64_t(digest[i]) << (8 * i);
    return d;
}

bool valid_uid(std::string_view id) {
    if (id.empty() || id.size() > 70) return false;
    return std::all_of(id.begin(), id.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
}

std::optional<std::string> find_x_uidl(std::string_view content) {
    const std::string_view header = content.substr(0, limits::x_uidl_header_scan);
    std::optional<std::string> found;
    std::size_t at = 0;
    while (at < header.size()) {
        std::size_t eol = header.find('\n', at);
        if (eol == std::string_view::npos) break;  // cut by the scan limit: not a whole line
        std::string_view line = header.substr(at, eol - at);
        at = eol + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) break;  // end of the header block
        if (!iequal_prefix(line, "x-uidl:")) continue;
        if (found) return std::nullopt;  // two X-UIDL headers: trust neither
        std::string_view value = line.substr(7);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
        if (!valid_uid(value)) return std::nullopt;
        // A folded (continued) header line is not a simple value.
        if (at < header.size() && (header[at] == ' ' || header[at] == '\t')) return std::nullopt;
        found = std::string(value);
    }
    return found;
}

std::vector<std::string_view> assign_uids(const TakenIds& taken_ids,
                                          const std::vector<UidCandidate>& candidates,
                                          std::deque<std::string>& storage) {
    std::vector<std::string_view> ids(candidates.size());
    if (std::all_of(candidates.begin(), candidates.end(), [](const UidCandidate& c) { return !c.pinned.empty(); })) {
        for (std::size_t i = 0; i < candidates.size(); ++i) ids[i] = candidates[i].pinned;
        return ids;
    }
    std::vector<std::string_view> pinned;
    taken_ids([&](std::string_view id) { pinned.push_back(id); });
    for (const auto& c : candidates)
        if (!c.pinned.empty()) pinned.push_back(c.pinned);
    std::unordered_set<std::string_view> taken(pinned.begin(), pinned.end(), pinned.size() * 2);
    std::unordered_map<std::string_view, unsigned> x_count;
    for (const auto& c : candidates)
        if (c.pinned.empty() && c.x_uidl) ++x_count[*c.x_uidl];
    // An X-UIDL equal to another message's derived id is not unique either.
    if (!x_count.empty()) {
        for (const auto& c : candidates) {
            auto it = x_count.find(c.derived);
            if (it != x_count.end() && !(c.x_uidl && *c.x_uidl == c.derived)) ++it->second;
        }
    }

    // The next collision suffix per derived id, above the pinned ones.
    std::unordered_map<std::string_view, unsigned> next_suffix;
    next_suffix.reserve((pinned.size() + candidates.size()) * 2);
    for (const std::string_view id : pinned) {
        const std::size_t dot = id.find('.');
        unsigned n = 1;
        if (dot != std::string_view::npos) {
            const std::string_view digits = id.substr(dot + 1);
            if (digits.empty() || digits.size() > 6 ||
                !std::all_of(digits.begin(), digits.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
                continue;  // not of the form derived.N
            n = static_cast<unsigned>(std::stoul(std::string(digits)));
        }
        unsigned& next = next_suffix[id.substr(0, dot)];
        next = std::max(next, n + 1);
    }

    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const auto& c = candidates[i];
        if (!c.pinned.empty()) {
            ids[i] = c.pinned;
            continue;
        }
        auto next = next_suffix.find(c.derived);
        if (c.x_uidl && x_count[*c.x_uidl] == 1 && !taken.count(*c.x_uidl)) {
            ids[i] = *c.x_uidl;
        } else if (next == next_suffix.end() && !taken.count(c.derived)) {
            ids[i] = c.derived;
            next_suffix.emplace(c.derived, 2);
        } else {
            if (next == next_suffix.end()) next = next_suffix.emplace(c.derived, 2).first;
            for (unsigned n = next->second;; ++n) {
                std::string id = c.derived + "." + std::to_string(n);
                if (!taken.count(id)) {
                    ids[i] = storage.emplace_back(std::move(id));
                    next->second = n + 1;
                    break;
                }
            }
        }
        taken.insert(ids[i]);
    }
    return ids;
}

}  // namespace pop3d::mbox
