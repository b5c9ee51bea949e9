// Finding the messages of an mbox: pure, over bytes already in memory (a
// mapping of the file). A message starts at a "From " line at offset 0 or
// after an empty line; that line is not part of the message; the empty line
// before the next "From " line, and one trailing empty line at the end of
// the file, separate messages and are not part of them either.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace pop3d::mbox {

struct Span {
    std::uint64_t from = 0;  // the "From " line
    std::uint64_t body = 0;  // first byte after the From_ line
    std::uint64_t end = 0;   // end of the content (the separator excluded)
};

// Whether a From_ line starting at `at` begins a message: it is at offset 0
// or follows an empty line (LF or CRLF).
bool starts_message(std::string_view data, std::uint64_t at);

// The message whose From_ line starts at `from` (< data.size(), which must
// hold "From " there); the next message starts at the returned span's
// extent: next_message_at().
Span scan_one(std::string_view data, std::uint64_t from, std::uint64_t* next);

// The offset of the first LF at or after `at` that ends an empty line (whose
// previous line end is at or after `floor`) and is followed by "From ";
// data.size() when there is none. The two instruction-set variants the
// scanner chooses from (AVX2 only where line_count.h's has_avx2()).
std::uint64_t next_boundary_sse2(const char* p, std::uint64_t size, std::uint64_t at, std::uint64_t floor);
std::uint64_t next_boundary_avx2(const char* p, std::uint64_t size, std::uint64_t at, std::uint64_t floor);

// Appends the messages of data[start, data.size()) to out. `start` must be 0
// or an offset where starts_message() holds. Returns false, appending
// nothing, when data[start] does not begin with "From " (text before the
// first From_ line: the file is not an mbox). An empty range is no message.
bool scan(std::string_view data, std::uint64_t start, std::vector<Span>& out);

}  // namespace pop3d::mbox
