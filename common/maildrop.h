// The seam between the protocol engine (TRANSACTION and UPDATE states) and
// the storage behind it. The engine sees message numbers, sizes, unique ids
// and the stored bytes of a message; it never sees files or locks. The mbox
// engine implements this for real maildrops; tests use an in-memory one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace pop3d {

// What a ChunkSink wants after a chunk: the next one, or no more (TOP has
// the lines it asked for).
enum class Reading { more, enough };

// Receives a message's stored bytes in bounded chunks, in order. Returning
// enough stops the stream early; an error stops it too (the client went
// away), and read() returns that error.
using ChunkSink = std::function<Result<Reading>(std::string_view chunk)>;

class Maildrop {
public:
    virtual ~Maildrop() = default;

    // Messages present when the session opened the maildrop; indexes below are
    // 0-based (message number - 1) and always < count().
    virtual std::size_t count() const = 0;

    // RFC 1939 section 11 size: the octets RETR sends before the terminating
    // line, with every line ending as CRLF and without dot-stuffing. Must
    // equal, to the byte, what encoding read()'s bytes produces.
    virtual std::uint64_t octets(std::size_t index) const = 0;

    // 1 to 70 characters in 0x21..0x7E, unique in the maildrop, stable
    // across sessions (RFC 1939 section 7).
    virtual std::string_view unique_id(std::size_t index) const = 0;

    // Whether lines matching ^>+From are stored quoted (mboxrd) and lose one
    // '>' on the wire.
    virtual bool unquotes_from() const = 0;

    // Streams the message as stored, without the mbox "From " separator line:
    // LF or CRLF line ends, no dot-stuffing. The last line may lack a newline.
    virtual Status read(std::size_t index, const ChunkSink& sink) = 0;

    // RFC 1460 LAST: the highest message number accessed in earlier
    // sessions, still present; 0 when none.
    virtual std::size_t initial_last() const = 0;

    // UPDATE: removes the messages marked true (deleted.size() == count())
    // and records `last` for the next session. Returns only once the change
    // is durable; on error nothing was removed. Error kinds map to response
    // codes: temporary -> [SYS/TEMP], permanent -> [SYS/PERM]. Either way it
    // then lets go of the maildrop (its locks, the one-session lock), so a
    // client holding the reply to QUIT can log in again at once; nothing
    // else may be called after it.
    virtual Status update(const std::vector<bool>& deleted, std::size_t last) = 0;
};

}  // namespace pop3d
