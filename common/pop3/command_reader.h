// Splits the bytes a client sends into command lines. Pure: no I/O.
//
// Lines end in CRLF or a bare LF (real clients send it). A line whose text
// (without its line end) is longer than limits::command_line - 2 octets is
// over-long (RFC 2449: 255 octets including CRLF): it yields exactly one
// `too_long` item once its line end arrives and is dropped as it streams in,
// so a 1 MB line costs no more memory than a short one, and nothing from
// its middle is ever taken for a command. A caller expecting a SASL response
// (RFC 5034 section 4) asks next() for up to limits::sasl_response_line
// instead; the reader keeps that many octets of any line for this. A line holding a control character
// (NUL, a CR not before its LF, DEL, ...) yields one `bad_byte` item.
//
// Memory: the reader keeps the complete lines fed but not yet taken plus at
// most limits::sasl_response_line octets of the line in progress. The caller feeds
// what one read() returned and then takes lines until next() has none, so the
// buffer stays within one read plus one line. Consumed bytes are wiped, as
// they may hold a password (PASS, AUTH PLAIN).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/limits.h"

namespace pop3d::pop3 {

struct ReadLine {
    enum class Kind {
        command,   // `text` is a complete line without its line end
        too_long,  // an over-long line was discarded through its line end
        bad_byte,  // a line held a control character; discarded
    };
    Kind kind = Kind::command;
    // Valid until the next call of feed() or next(); empty unless `command`.
    std::string_view text;
};

class CommandReader {
public:
    // `initial` are bytes read earlier by another process (the front hands
    // the pipelined bytes it read ahead to the session after login).
    explicit CommandReader(std::string_view initial = {});
    ~CommandReader();
    CommandReader(const CommandReader&) = delete;
    CommandReader& operator=(const CommandReader&) = delete;

    // Appends bytes as they came from the client.
    void feed(std::string_view bytes);

    // The next complete line (or line error) in arrival order; std::nullopt
    // when only part of a line (or nothing) is buffered. `max_line` is the
    // longest line allowed, line end included: limits::command_line, or
    // up to limits::sasl_response_line for a SASL response.
    std::optional<ReadLine> next(std::size_t max_line = limits::command_line);

    // Whether next() would return a line now.
    bool has_line() const;

    // The bytes fed and not yet returned by next(), ready to be handed to
    // another CommandReader (which then behaves exactly as this one would).
    // An over-long line in progress is represented by its first
    // limits::sasl_response_line octets, which are enough to make it
    // over-long again in the new reader.
    std::string_view unconsumed() const;

    // Drops every buffered byte (RFC 2595: plaintext pipelined after STLS
    // must not be read as if it came through TLS).
    void discard();

private:
    void append(std::string_view bytes);
    void drop_consumed();
    void wipe_consumed();

    std::string buffer_;          // bytes from offset start_ are unconsumed
    std::size_t start_ = 0;       // first unconsumed byte
    std::size_t wiped_ = 0;       // buffer_ before this offset is zeroed
    std::size_t lines_end_ = 0;   // buffer_ up to here holds complete lines
    bool skipping_ = false;       // dropping the rest of an over-long line
};

}  // namespace pop3d::pop3
