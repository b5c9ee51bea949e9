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

// A configuration file read whole into memory (the listener hands its
// validated text to each session); real ones are a few kilobytes.
inline constexpr std::size_t config_file = 1024 * 1024;

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
// After a busy lock every lock held is let go and the set is tried again
// after a random pause between these bounds (lock_acquisition.h): short
// next to a delivery, random so that two takers do not meet in step.
inline constexpr unsigned lock_backoff_min_ms = 10;
inline constexpr unsigned lock_backoff_max_ms = 100;
// A wait for the mbox locks at least this long is logged, with the holder.
inline constexpr unsigned lock_wait_logged_ms = 3000;

// The protocol engine's output buffer: replies are gathered up to this many
// octets and written at once (RFC 2449 PIPELINING); a message streams
// through it, so it also bounds what RETR holds in memory. 128 KiB rather
// than 32: fewer, larger writes to the socket were 3% more RETR throughput
// (issue 6, M2); an idle session touches only the pages its replies use.
inline constexpr std::size_t output_buffer = 128 * 1024;
// The multi-line encoder gathers encoded bytes up to this many octets before
// it hands them on: handing on every line end separately made RETR spend
// more time in calls than in copying.
inline constexpr std::size_t encoder_stage = 16 * 1024;

// UPDATE (common/mbox/rewrite.cpp): bytes moved per step. Each step is one
// large aligned pwrite into the mbox (plus at most the same again into the
// journal); the buffer is the rewriter's only allocation that does not grow
// with the number of messages.
inline constexpr std::size_t rewrite_chunk = 8 * 1024 * 1024;
// Bytes of the random marker written just past the new end of the mbox
// before it is truncated, so recover() can tell "truncated" from "not yet"
// even after a delivery agent appended mail.
inline constexpr std::size_t rewrite_marker = 32;

// Fields of a request to pop3d-auth. A user name or password arrives in one
// command line, or base64-decoded from an AUTH PLAIN response.
inline constexpr std::size_t auth_user = command_line;
inline constexpr std::size_t auth_password = 1024;
// The APOP timestamp fits in the greeting line.
inline constexpr std::size_t apop_timestamp = reply_line;
// MD5 in hexadecimal (RFC 1939 section 7).
inline constexpr std::size_t apop_digest = 32;
inline constexpr std::size_t auth_client = 128;
// Fields of a verdict from pop3d-auth.
inline constexpr std::size_t account_name = 256;
inline constexpr std::size_t home_dir = 4096;
// How long the monitor waits for a verdict: the longest failure_delay the
// configuration allows (60 s) plus the slowest hash we expect, with room.
inline constexpr int auth_reply_seconds = 120;
// How long the monitor waits for pop3d-auth to exit after closing its socket.
inline constexpr int auth_exit_millis = 2000;
// A users_file or apop_file larger than this is refused, not cut.
inline constexpr std::size_t account_file = 16 * 1024 * 1024;
// Line of such a file; longer lines are refused.
inline constexpr std::size_t account_line = 4096;

}  // namespace pop3d::limits

namespace pop3d::limits {
// An argon2 hash in users_file is checked only if it costs no more than
// pop3d-passwd --sensitive makes (libsodium's SENSITIVE limits): memory in
// KiB, and memory times passes. A hash asking for more would let whoever
// writes the file (or a typo) tie up a helper for hours, or the host's
// memory, on every attempt at that name.
inline constexpr unsigned long long argon2_max_memory_kib = 1024 * 1024;       // 1 GiB
inline constexpr unsigned long long argon2_max_work_kib = 4 * 1024 * 1024;     // 1 GiB x 4 passes

// RFC 5034 section 4: a SASL response line is not bound by the 255-octet
// command limit; the server must take the largest response its mechanisms
// produce. PLAIN (RFC 4616): authzid, authcid and password of up to 255
// octets each with two NULs are 767 octets, 1024 in base64, plus CRLF.
inline constexpr std::size_t sasl_response_line = 1024 + 2;

// The monitor waits for the front's next frame at most autologout plus this
// (the front itself ends an idle client after autologout), and for the front
// to exit at most front_exit_millis.
inline constexpr unsigned front_grace_seconds = 60;
// The monitor waits this long for the owner's groups (a child asks the group
// database, which may be LDAP or sssd); then the login fails with [SYS/TEMP].
inline constexpr unsigned group_lookup_seconds = 60;
inline constexpr int front_exit_millis = 2000;

// At most this many pop3d-auth processes compute a password hash at the
// same moment, host-wide (authd/hash_slots.h): with argon2id at 64 MiB that
// bounds hashing memory to 256 MiB however many clients try at once.
inline constexpr unsigned hash_slots = 4;
inline constexpr const char* hash_slot_dir = "/run/pop3d";
// The key of the abstract session-lock names (common/mbox/session_lock_key.h),
// root's, 0600; made at the first session after boot.
inline constexpr const char* session_lock_key_file = "/run/pop3d/session-lock.key";

}  // namespace pop3d::limits
