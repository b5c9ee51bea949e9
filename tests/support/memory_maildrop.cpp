#include "tests/support/memory_maildrop.h"

#include <algorithm>

namespace pop3d::test {

std::uint64_t stored_octets(std::string_view stored, bool unquote_from) {
    std::uint64_t total = 0;
    while (!stored.empty()) {
        std::size_t lf = stored.find('\n');
        std::string_view line = stored.substr(0, lf);
        stored.remove_prefix(lf == std::string_view::npos ? stored.size() : lf + 1);
        if (lf != std::string_view::npos && !line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        total += line.size() + 2;
        std::size_t gts = line.find_first_not_of('>');
        if (unquote_from && gts != 0 && gts != std::string_view::npos &&
            line.substr(gts).starts_with("From ")) {
            total -= 1;
        }
    }
    return total;
}

MemoryMaildrop::MemoryMaildrop(std::vector<std::string> messages, bool unquote_from,
                               std::size_t initial_last)
    : messages_(std::move(messages)), unquote_from_(unquote_from), initial_last_(initial_last) {
    for (std::size_t i = 0; i < messages_.size(); ++i) uids_.push_back("uid-" + std::to_string(i + 1));
}

std::uint64_t MemoryMaildrop::octets(std::size_t index) const {
    if (octets_override) return *octets_override;
    return stored_octets(messages_.at(index), unquote_from_);
}

Status MemoryMaildrop::read(std::size_t index, const ChunkSink& sink) {
    std::string_view rest = messages_.at(index);
    std::size_t sent = 0;
    while (!rest.empty()) {
        if (read_fails_after && sent >= *read_fails_after) {
            return make_error(ErrorKind::temporary, "injected read failure");
        }
        std::size_t n = std::min(chunk_size, rest.size());
        if (read_fails_after) n = std::min(n, *read_fails_after - sent);
        largest_chunk_read = std::max(largest_chunk_read, n);
        auto wanted = sink(rest.substr(0, n));
        if (!wanted) return wanted.error();
        if (*wanted == Reading::enough) return {};
        rest.remove_prefix(n);
        sent += n;
    }
    return {};
}

Status MemoryMaildrop::update(const std::vector<bool>& deleted, std::size_t last) {
    ++update_calls;
    if (deleted.size() != messages_.size()) {
        return make_error(ErrorKind::permanent, "deleted.size() != count()");
    }
    if (update_failure) return make_error(*update_failure, "injected update failure");
    std::vector<std::string> kept, kept_uids;
    for (std::size_t i = 0; i < messages_.size(); ++i) {
        if (deleted[i]) continue;
        kept.push_back(std::move(messages_[i]));
        kept_uids.push_back(std::move(uids_[i]));
    }
    messages_ = std::move(kept);
    uids_ = std::move(kept_uids);
    recorded_last = last;
    return {};
}

}  // namespace pop3d::test
