// Stored message bytes -> the body of a multi-line response (RFC 1939
// section 3), streaming: chunks may split anything, a CRLF included. The
// mbox engine computes sizes by the same rules, so they are exact:
//
//  - a stored message is lines ending in LF or CRLF; the last line may lack
//    an end, and then gets CRLF (counted in the size);
//  - every line end goes out as CRLF; a CR not followed by LF is content;
//  - with unquote_from (mboxrd), a line matching ^>+From<space> loses its
//    first '>' (the size counts the shorter line);
//  - a line then starting with '.' gets one more '.' (not counted);
//  - then ".\r\n" (not counted). An empty message sends only ".\r\n".
//
// Size = sum over lines of (content length + 2), minus the unquotes. TOP: the
// header is the lines up to and including the first empty line (just LF or
// CRLF); then `body_lines` more lines; without an empty line the whole
// message is header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace pop3d::pop3 {

// Receives encoded bytes in order.
using WireSink = std::function<Status(std::string_view bytes)>;

class MultilineEncoder {
public:
    // body_lines: TOP's n; std::nullopt for the whole message (RETR).
    MultilineEncoder(bool unquote_from, std::optional<std::uint64_t> body_lines = std::nullopt);

    // Encodes the next stored bytes. Bytes past the TOP limit are ignored.
    Status feed(std::string_view chunk, const WireSink& sink);
    // Ends the last line if it lacks an end (unless TOP stopped before it).
    // Does not send the terminating line: the caller does, once it has
    // checked the size.
    Status finish(const WireSink& sink);

    // True once TOP has sent all it will send: the caller may stop reading.
    bool done() const { return done_; }
    // RFC 1939 octets produced so far (no stuffing dots, no terminator).
    std::uint64_t octets() const { return octets_; }

private:
    enum class At { line_start, quote_run, from_match, content };

    // Counted bytes (emit) and the stuffing dot (stage) wait in stage_ and
    // go to the sink in batches; flush() hands on what waits.
    Status emit(std::string_view bytes, const WireSink& sink);
    Status stage(std::string_view bytes, const WireSink& sink);
    Status flush(const WireSink& sink);
    Status end_line(const WireSink& sink);
    Status resolve_quote(bool matched, const WireSink& sink);

    bool unquote_from_;
    std::optional<std::uint64_t> body_lines_;
    At at_ = At::line_start;
    bool pending_cr_ = false;       // a CR seen, its LF (or not) still to come
    std::size_t from_matched_ = 0;  // octets of "From " matched after '>'s
    bool line_empty_ = true;        // nothing but a line end so far
    bool in_header_ = true;
    std::uint64_t body_sent_ = 0;
    bool done_ = false;
    std::uint64_t octets_ = 0;
    std::string stage_;
};

}  // namespace pop3d::pop3
