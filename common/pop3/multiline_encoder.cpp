#include "common/pop3/multiline_encoder.h"

#include <cstring>

namespace pop3d::pop3 {
namespace {

constexpr std::string_view from_word = "From ";

// Where the line content starting at `from` stops: the next CR or LF, or the
// chunk's end. RETR spends its time here, so it is two memchr scans (SIMD in
// glibc) instead of find_first_of's byte-by-byte loop; a CR is rare.
std::size_t line_content_end(std::string_view chunk, std::size_t from) {
    const char* start = chunk.data() + from;
    const std::size_t left = chunk.size() - from;
    const void* lf = std::memchr(start, '\n', left);
    const std::size_t until_lf = lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - start) : left;
    const void* cr = std::memchr(start, '\r', until_lf);
    const std::size_t until = cr ? static_cast<std::size_t>(static_cast<const char*>(cr) - start) : until_lf;
    return from + until;
}

}  // namespace

MultilineEncoder::MultilineEncoder(bool unquote_from, std::optional<std::uint64_t> body_lines)
    : unquote_from_(unquote_from), body_lines_(body_lines) {}

Status MultilineEncoder::emit(std::string_view bytes, const WireSink& sink) {
    if (bytes.empty()) return {};
    octets_ += bytes.size();
    return sink(bytes);
}

Status MultilineEncoder::end_line(const WireSink& sink) {
    if (Status s = emit("\r\n", sink); !s) return s;
    if (in_header_) {
        if (line_empty_) {
            in_header_ = false;
            if (body_lines_ && *body_lines_ == 0) done_ = true;
        }
    } else {
        ++body_sent_;
        if (body_lines_ && body_sent_ >= *body_lines_) done_ = true;
    }
    at_ = At::line_start;
    line_empty_ = true;
    return {};
}

// The line began with '>'s and the first one was held back. If "From "
// followed, it is dropped (mboxrd unquoting); otherwise it goes out now,
// which gives the same bytes since every '>' of the run is alike.
Status MultilineEncoder::resolve_quote(bool matched, const WireSink& sink) {
    at_ = At::content;
    std::string_view word = from_word.substr(0, from_matched_);
    from_matched_ = 0;
    if (!matched) {
        if (Status s = emit(">", sink); !s) return s;
    }
    return emit(word, sink);
}

Status MultilineEncoder::feed(std::string_view chunk, const WireSink& sink) {
    std::size_t i = 0;
    while (i < chunk.size() && !done_) {
        char c = chunk[i];
        if (pending_cr_) {
            pending_cr_ = false;
            if (c == '\n') {
                ++i;
                if (Status s = end_line(sink); !s) return s;
                continue;
            }
            // A CR not before LF is content (and, at a line start, not '.').
            at_ = At::content;
            line_empty_ = false;
            if (Status s = emit("\r", sink); !s) return s;
        }
        switch (at_) {
        case At::line_start:
            if (c == '\n') {
                ++i;
                if (Status s = end_line(sink); !s) return s;
            } else if (c == '\r') {
                ++i;
                pending_cr_ = true;
            } else if (c == '>' && unquote_from_) {
                ++i;
                at_ = At::quote_run;
                line_empty_ = false;
            } else {
                if (c == '.') {
                    if (Status s = sink("."); !s) return s;  // dot-stuffing, not counted
                }
                at_ = At::content;
            }
            break;
        case At::quote_run:
            if (c == '>') {
                ++i;
                if (Status s = emit(">", sink); !s) return s;
            } else if (c == from_word[0]) {
                ++i;
                at_ = At::from_match;
                from_matched_ = 1;
            } else if (Status s = resolve_quote(false, sink); !s) {
                return s;
            }
            break;
        case At::from_match:
            if (c == from_word[from_matched_]) {
                ++i;
                if (++from_matched_ == from_word.size()) {
                    if (Status s = resolve_quote(true, sink); !s) return s;
                }
            } else if (Status s = resolve_quote(false, sink); !s) {
                return s;
            }
            break;
        case At::content: {
            std::size_t end = line_content_end(chunk, i);
            if (end > i) {
                line_empty_ = false;
                if (Status s = emit(chunk.substr(i, end - i), sink); !s) return s;
            }
            i = end;
            if (i == chunk.size()) break;
            ++i;
            if (chunk[end] == '\r') {
                pending_cr_ = true;
            } else if (Status s = end_line(sink); !s) {
                return s;
            }
            break;
        }
        }
    }
    return {};
}

Status MultilineEncoder::finish(const WireSink& sink) {
    if (done_) return {};
    if (pending_cr_) {
        pending_cr_ = false;
        at_ = At::content;
        line_empty_ = false;
        if (Status s = emit("\r", sink); !s) return s;
    }
    if (at_ == At::quote_run || at_ == At::from_match) {
        if (Status s = resolve_quote(false, sink); !s) return s;
    }
    if (at_ != At::line_start) {
        if (Status s = end_line(sink); !s) return s;
    }
    done_ = true;
    return {};
}

}  // namespace pop3d::pop3
