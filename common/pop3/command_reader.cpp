#include "common/pop3/command_reader.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "common/limits.h"

namespace pop3d::pop3 {
namespace {

// What is kept of a line in progress: the longest line next() may be asked
// for. One octet more than its text plus CR, so a line this long is
// over-long whatever ends it.
constexpr std::size_t kept = std::max(limits::command_line, limits::sasl_response_line);

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

}  // namespace

CommandReader::CommandReader(std::string_view initial) { feed(initial); }

CommandReader::~CommandReader() { discard(); }

void CommandReader::feed(std::string_view bytes) {
    drop_consumed();
    while (!bytes.empty()) {
        std::size_t lf = bytes.find('\n');
        if (skipping_) {
            if (lf == std::string_view::npos) return;
            bytes.remove_prefix(lf + 1);
            skipping_ = false;
            append("\n");
            lines_end_ = buffer_.size();
            continue;
        }
        std::size_t partial = buffer_.size() - lines_end_;
        std::size_t text = lf == std::string_view::npos ? bytes.size() : lf;
        if (partial + text > kept - 1) {
            // Over-long: keep `kept` octets so next() (or another reader fed
            // unconsumed()) still sees it as over-long, and drop the rest.
            append(bytes.substr(0, kept - partial));
            bytes.remove_prefix(kept - partial);
            skipping_ = true;
            continue;
        }
        if (lf == std::string_view::npos) {
            append(bytes);
            return;
        }
        append(bytes.substr(0, lf + 1));
        lines_end_ = buffer_.size();
        bytes.remove_prefix(lf + 1);
    }
}

std::optional<ReadLine> CommandReader::next(std::size_t max_line) {
    std::size_t max_text = std::clamp<std::size_t>(max_line, 2, kept) - 2;
    wipe_consumed();
    if (start_ == lines_end_) return std::nullopt;
    std::size_t lf = buffer_.find('\n', start_);
    std::string_view line(buffer_.data() + start_, lf - start_);
    start_ = lf + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > max_text) return ReadLine{ReadLine::Kind::too_long, {}};
    if (std::any_of(line.begin(), line.end(),
                    [](char c) { return is_control(static_cast<unsigned char>(c)); })) {
        return ReadLine{ReadLine::Kind::bad_byte, {}};
    }
    return ReadLine{ReadLine::Kind::command, line};
}

bool CommandReader::has_line() const { return start_ < lines_end_; }

std::string_view CommandReader::unconsumed() const {
    return std::string_view(buffer_).substr(start_);
}

void CommandReader::discard() {
    if (!buffer_.empty()) sodium_memzero(buffer_.data(), buffer_.size());
    buffer_.clear();
    start_ = wiped_ = lines_end_ = 0;
    skipping_ = false;
}

// Grows the buffer by hand so that no copy of a password is left behind in a
// freed allocation.
void CommandReader::append(std::string_view bytes) {
    if (buffer_.size() + bytes.size() > buffer_.capacity()) {
        std::string bigger;
        bigger.reserve(std::max(buffer_.size() + bytes.size(), 2 * buffer_.capacity()));
        bigger.append(buffer_);
        if (!buffer_.empty()) sodium_memzero(buffer_.data(), buffer_.size());
        buffer_.swap(bigger);
    }
    buffer_.append(bytes);
}

// Moves the unconsumed bytes to the front; the octets they leave behind are
// zeroed as well, since they may be a password in progress.
void CommandReader::drop_consumed() {
    if (start_ == 0) return;
    std::size_t rest = buffer_.size() - start_;
    std::memmove(buffer_.data(), buffer_.data() + start_, rest);
    sodium_memzero(buffer_.data() + rest, start_);
    buffer_.resize(rest);
    lines_end_ -= start_;
    start_ = wiped_ = 0;
}

void CommandReader::wipe_consumed() {
    if (start_ > wiped_) sodium_memzero(buffer_.data() + wiped_, start_ - wiped_);
    wiped_ = start_;
}

}  // namespace pop3d::pop3
