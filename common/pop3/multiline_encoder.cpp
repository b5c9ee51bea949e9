#include "common/pop3/multiline_encoder.h"

#include <algorithm>
#include <cstring>

#include "common/limits.h"

namespace pop3d::pop3 {
namespace {

constexpr std::string_view from_word = "From ";

// The first `c` at or after `from`, or the chunk's end: memchr (SIMD in
// glibc), since RETR spends its time looking for line ends.
std::size_t find(std::string_view chunk, std::size_t from, char c) {
    const void* at = std::memchr(chunk.data() + from, c, chunk.size() - from);
    return at ? static_cast<std::size_t>(static_cast<const char*>(at) - chunk.data()) : chunk.size();
}

// Where the line content starting at `from` stops: the next CR or LF, or the
// chunk's end. next_cr is the first CR at or after some earlier position; a
// CR is rare, so the chunk is searched for one once, not once per line.
std::size_t line_content_end(std::string_view chunk, std::size_t from, std::size_t& next_cr) {
    if (next_cr < from) next_cr = find(chunk, from, '\r');
    return std::min(find(chunk, from, '\n'), next_cr);
}

}  // namespace

MultilineEncoder::MultilineEncoder(bool unquote_from, std::optional<std::uint64_t> body_lines)
    : unquote_from_(unquote_from), body_lines_(body_lines) {
    stage_.reserve(limits::encoder_stage);
}

Status MultilineEncoder::emit(std::string_view bytes, const WireSink& sink) {
    octets_ += bytes.size();
    return stage(bytes, sink);
}

Status MultilineEncoder::stage(std::string_view bytes, const WireSink& sink) {
    if (stage_.size() + bytes.size() > limits::encoder_stage) {
        if (Status s = flush(sink); !s) return s;
        if (bytes.size() >= limits::encoder_stage) return sink(bytes);
    }
    stage_.append(bytes);
    return {};
}

Status MultilineEncoder::flush(const WireSink& sink) {
    if (stage_.empty()) return {};
    Status s = sink(stage_);
    stage_.clear();
    return s;
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
    if (chunk.empty()) return {};  // and no memchr on a null pointer below
    std::size_t i = 0;
    std::size_t next_cr = find(chunk, 0, '\r');
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
                    if (Status s = stage(".", sink); !s) return s;  // dot-stuffing, not counted
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
            std::size_t end = line_content_end(chunk, i, next_cr);
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
    return flush(sink);
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
    return flush(sink);
}

}  // namespace pop3d::pop3
