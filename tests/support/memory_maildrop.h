// An in-memory Maildrop for tests of the protocol engine and the session:
// messages are strings as an mbox would store them (no "From " separator).
// Its sizes come from a plain, non-streaming reading of the encoding rules
// (stored_octets), independent of MultilineEncoder, so the two check each
// other. Failures can be injected; update() really removes messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/maildrop.h"

namespace pop3d::test {

// RFC 1939 octets of a stored message: each line's content + 2, minus one
// per ^>+From line when unquote_from.
std::uint64_t stored_octets(std::string_view stored, bool unquote_from);

class MemoryMaildrop : public Maildrop {
public:
    explicit MemoryMaildrop(std::vector<std::string> messages, bool unquote_from = false,
                            std::size_t initial_last = 0);

    std::size_t count() const override { return messages_.size(); }
    std::uint64_t octets(std::size_t index) const override;
    std::string_view unique_id(std::size_t index) const override { return uids_.at(index); }
    bool unquotes_from() const override { return unquote_from_; }
    Status read(std::size_t index, const ChunkSink& sink) override;
    std::size_t initial_last() const override { return initial_last_; }
    Status update(const std::vector<bool>& deleted, std::size_t last) override;

    // Knobs for tests.
    std::size_t chunk_size = 4096;             // read() delivers chunks this big
    std::optional<ErrorKind> update_failure;   // update() fails with this kind
    std::optional<std::size_t> read_fails_after;  // read() fails after this many octets
    std::optional<std::uint64_t> octets_override;  // octets() lies (a changed mbox)

    // What happened.
    std::size_t update_calls = 0;
    std::size_t recorded_last = 0;
    std::size_t largest_chunk_read = 0;
    const std::vector<std::string>& messages() const { return messages_; }

private:
    std::vector<std::string> messages_;
    std::vector<std::string> uids_;
    bool unquote_from_;
    std::size_t initial_last_;
};

}  // namespace pop3d::test
