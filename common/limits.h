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

// mbox engine. A message is streamed to the protocol engine in chunks of at
// most this many bytes, whatever its size (RETR of 100 MB costs this much).
inline constexpr std::size_t mbox_read_chunk = 64 * 1024;
// The derived unique id hashes bounded samples of a message (see uid.cpp):
// at most this much of the From_ line, of the start and of the end.
inline constexpr std::size_t uid_from_line_sample = 256;
inline constexpr std::size_t uid_head_sample = 512;
inline constexpr std::size_t uid_tail_sample = 128;
// uidl = x-uidl looks for the X-UIDL header within this much of the header.
inline constexpr std::size_t x_uidl_header_scan = 16 * 1024;
// How many indexed offsets open checks against the mbox when it reuses a
// state file (indexer.h: offsets_to_check).
inline constexpr std::size_t state_check_samples = 1024;
// A state file larger than this is damaged (200,000 messages fit many times).
inline constexpr std::size_t state_file_max = 256u * 1024 * 1024;
// Pause between attempts to take a lock held by someone else.
inline constexpr unsigned lock_retry_ms = 50;

}  // namespace pop3d::limits
