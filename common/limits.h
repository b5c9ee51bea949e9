// Every fixed bound of the server, in one place (as popa3d's params.h).
// Configurable limits live in the configuration; these are the ones that
// protect memory and the protocol's own rules.
#pragma once

#include <cstddef>

namespace pop3d::limits {

// RFC 2449 section 4: a command line is at most 255 octets including CRLF.
inline constexpr std::size_t command_line = 255;
// RFC 2449 section 4: a reply line is at most 512 octets including CRLF.
inline constexpr std::size_t reply_line = 512;

// The configuration file: Debian's inih is built with INI_MAX_LINE 200 and
// silently cuts longer lines, so the loader refuses them first.
inline constexpr std::size_t config_line = 198;
// The greeting text sits inside a reply line with the APOP timestamp.
inline constexpr std::size_t greeting_text = 200;
inline constexpr std::size_t hostname = 255;

}  // namespace pop3d::limits

namespace pop3d::limits {

// A frame between two of the server's own processes (front, monitor,
// pop3d-auth): one SOCK_SEQPACKET message. Large enough for the bytes a
// front hands over after login (the pipelined commands it read ahead).
inline constexpr std::size_t frame = 64 * 1024;

}  // namespace pop3d::limits

namespace pop3d::limits {

// UPDATE (common/mbox/rewrite.cpp): bytes moved per step. Each step is one
// large aligned pwrite into the mbox (plus at most the same again into the
// journal); the buffer is the rewriter's only allocation that does not grow
// with the number of messages.
inline constexpr std::size_t rewrite_chunk = 8 * 1024 * 1024;
// Bytes of the random marker written just past the new end of the mbox
// before it is truncated, so recover() can tell "truncated" from "not yet"
// even after a delivery agent appended mail.
inline constexpr std::size_t rewrite_marker = 32;

}  // namespace pop3d::limits
