// Every fixed bound of the server, in one place, grouped by the process
// that enforces it (as popa3d's params.h). Each says why it is what it is.
// What an administrator may change lives in the configuration
// (common/config_keys.cpp); these bound memory, time and the protocol's own
// rules. Paths are not bounds and live with their users.
#pragma once

#include <cstddef>

namespace pop3d::limits {

// ---- The protocol, wherever it is spoken (the front, the session) ----

// RFC 2449 section 4: a command line is at most 255 octets including CRLF.
inline constexpr std::size_t command_line = 255;
// RFC 2449 section 4: a reply line is at most 512 octets including CRLF.
inline constexpr std::size_t reply_line = 512;
// RFC 5034 section 4: a SASL response line is not bound by the 255-octet
// command limit; the server must take the largest response its mechanisms
// produce. PLAIN (RFC 4616): authzid, authcid and password of up to 255
// octets each with two NULs are 767 octets, 1024 in base64, plus CRLF.
inline constexpr std::size_t sasl_response_line = 1024 + 2;
// The greeting text sits inside a reply line with the APOP timestamp.
inline constexpr std::size_t greeting_text = 200;
// A host name (the APOP timestamp's); POSIX HOST_NAME_MAX on Linux is 64,
// DNS allows 253: 255 holds either.
inline constexpr std::size_t hostname = 255;

// ---- The configuration, read by every program ----

// Debian's inih is built with INI_MAX_LINE 200 and silently cuts longer
// lines, so the loader refuses them first.
inline constexpr std::size_t config_line = 198;
// The file is read whole into memory (the listener hands its validated text
// to each session); real ones are a few kilobytes.
inline constexpr std::size_t config_file = 1024 * 1024;

// ---- Between the server's own processes (front, monitor, pop3d-auth) ----

// One SOCK_SEQPACKET message. Large enough for the bytes a front hands over
// after login (the pipelined commands it read ahead).
inline constexpr std::size_t frame = 64 * 1024;
// Fields of a request to pop3d-auth. A user name or password arrives in one
// command line, or base64-decoded from an AUTH PLAIN response.
inline constexpr std::size_t auth_user = command_line;
inline constexpr std::size_t auth_password = 1024;
// The APOP timestamp fits in the greeting line.
inline constexpr std::size_t apop_timestamp = reply_line;
// MD5 in hexadecimal (RFC 1939 section 7).
inline constexpr std::size_t apop_digest = 32;
// The client's address as text, "[IPv6]:port" with room.
inline constexpr std::size_t auth_client = 128;
// Fields of a verdict from pop3d-auth: a user name (Linux allows 32,
// LDAP more) and a home directory (PATH_MAX).
inline constexpr std::size_t account_name = 256;
inline constexpr std::size_t home_dir = 4096;

// ---- pop3d, the listener ----

// Pending connections per socket; the kernel caps it at net.core.somaxconn.
inline constexpr int listen_backlog = 128;
// Connections taken per wake-up of one socket, so that a flood on one
// address cannot starve signals or the other addresses.
inline constexpr int accepts_per_wakeup = 64;
// How long the sockets rest when accept ran out of descriptors or memory.
inline constexpr int accept_pause_ms = 100;

// ---- pop3d-session: the monitor (root until login) ----

// The highest descriptor `pop3d-session -c FD` takes the configuration on:
// the listener hands it on a low one, and 1024 is the default soft
// RLIMIT_NOFILE, below which any descriptor a parent can hand over lies.
inline constexpr int handed_descriptor_max = 1024;
// How long the monitor waits for a verdict: the longest failure_delay the
// configuration allows (60 s) plus the slowest hash we expect, with room.
inline constexpr int auth_reply_seconds = 120;
// How long the monitor waits for pop3d-auth to exit after closing its socket.
inline constexpr int auth_exit_millis = 2000;
// How long the session waits for the dotlock keeper to remove its lock and
// exit after closing its channel.
inline constexpr int dotlock_keeper_exit_millis = 2000;
// The monitor waits for the front's next frame at most autologout plus this
// (the front itself ends an idle client after autologout), and for the front
// to exit at most front_exit_millis.
inline constexpr unsigned front_grace_seconds = 60;
inline constexpr int front_exit_millis = 2000;
// The monitor waits this long for the owner's groups (a child asks the group
// database, which may be LDAP or sssd); then the login fails with [SYS/TEMP].
inline constexpr unsigned group_lookup_seconds = 60;
// A last line to the client when the session cannot go on ("-ERR [SYS/TEMP]
// ..."): written for at most this long, so that a client that does not read
// cannot hold a root monitor.
inline constexpr unsigned last_line_seconds = 10;

// ---- pop3d-session: the session as the mailbox owner (the mbox engine) ----

// A message is streamed to the protocol engine in chunks of at most this
// many bytes, whatever its size (RETR of 100 MB costs this much).
inline constexpr std::size_t mbox_read_chunk = 64 * 1024;
// The protocol engine's output buffer: replies are gathered up to this many
// octets and written at once (RFC 2449 PIPELINING); a message streams
// through it, so it also bounds what RETR holds in memory. 128 KiB rather
// than 32: fewer, larger writes to the socket were 3% more RETR throughput
// (`make bench`, M2); an idle session touches only the pages its replies use.
inline constexpr std::size_t output_buffer = 128 * 1024;
// The multi-line encoder gathers encoded bytes up to this many octets before
// it hands them on: handing on every line end separately made RETR spend
// more time in calls than in copying.
inline constexpr std::size_t encoder_stage = 16 * 1024;
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
// UPDATE (common/mbox/update/rewrite.cpp): bytes moved per step. Each step is one
// large aligned pwrite into the mbox (plus at most the same again into the
// journal); the buffer is the rewriter's only allocation that does not grow
// with the number of messages.
inline constexpr std::size_t rewrite_chunk = 8 * 1024 * 1024;
// Bytes of the random marker written just past the new end of the mbox
// before it is truncated, so recover() can tell "truncated" from "not yet"
// even after a delivery agent appended mail.
inline constexpr std::size_t rewrite_marker = 32;

// ---- pop3d-auth ----

// A users_file or apop_file larger than this is refused, not cut.
inline constexpr std::size_t account_file = 16 * 1024 * 1024;
// Line of such a file; longer lines are refused.
inline constexpr std::size_t account_line = 4096;
// An argon2 hash in users_file is checked only if it costs no more than
// pop3d-passwd --sensitive makes (libsodium's SENSITIVE limits): memory in
// KiB, and memory times passes. A hash asking for more would let whoever
// writes the file (or a typo) tie up a helper for hours, or the host's
// memory, on every attempt at that name.
inline constexpr unsigned long long argon2_max_memory_kib = 1024 * 1024;    // 1 GiB
inline constexpr unsigned long long argon2_max_work_kib = 4 * 1024 * 1024;  // 1 GiB x 4 passes
// At most this many pop3d-auth processes compute a password hash at the
// same moment, host-wide (authd/hash_slots.h): with argon2id at 64 MiB that
// bounds hashing memory to 256 MiB however many clients try at once.
inline constexpr unsigned hash_slots = 4;

// ---- pop3d-passwd ----

// Another pop3d-passwd holding the account file's lock is waited for this
// many times this long (10 s): an edit takes milliseconds, so longer means
// a stuck one, which the administrator is told about.
inline constexpr int passwd_lock_attempts = 100;
inline constexpr int passwd_lock_retry_ms = 100;
inline constexpr const char* hash_slot_dir = "/run/pop3d";
// The key of the abstract session-lock names (common/mbox/locks/session_lock_key.h),
// root's, 0600; made at the first session after boot.
inline constexpr const char* session_lock_key_file = "/run/pop3d/session-lock.key";

}  // namespace pop3d::limits

namespace pop3d::limits {

// A PROXY protocol header (HAProxy's specification): version 1 is one text
// line of at most 107 octets with its CRLF; version 2 is a 16-octet head and
// the addresses (at most 216 octets, for AF_UNIX) plus TLVs, which the
// server skips. 1024 leaves room for the usual TLVs (ALPN, authority,
// unique id) and bounds what a connection may make the reader hold.
inline constexpr std::size_t proxy_v1_line = 107;
inline constexpr std::size_t proxy_header = 1024;

}  // namespace pop3d::limits

namespace pop3d::limits {

// Connections on proxy_listen addresses whose PROXY header the listener is
// still waiting for; more are closed at once (each costs a descriptor and
// a buffer of at most proxy_header octets until its deadline).
inline constexpr std::size_t proxy_headers_pending = 256;

}  // namespace pop3d::limits

namespace pop3d::limits {
// TLS (sessiond/tls_*). A certificate chain as the monitor hands it to the
// front (PEM; real chains are a few kilobytes), within one frame.
inline constexpr std::size_t tls_chain = 48 * 1024;
// What the front may ask the monitor to sign, and a signature: an RSA block
// of up to 16384 bits, a digest, or a DER ECDSA signature.
inline constexpr std::size_t tls_sign_input = 2048;
// A TLS version or cipher name in the tls_started frame.
inline constexpr std::size_t tls_name = 64;
// Why a handshake failed, as the front tells the monitor.
inline constexpr std::size_t tls_reason = 200;
// The relay between a TLS client and the session after login: at most this
// much is held in each direction.
inline constexpr std::size_t tls_relay_buffer = 64 * 1024;
}  // namespace pop3d::limits

namespace pop3d::limits {
// The send rate floor (sessiond/send_rate_floor.h) keeps the bytes that
// left per slot of its window, this many slots a window: the memory stays
// fixed however often the client takes a few bytes, and a slot's bytes
// count as sent at its end, which errs by at most 1/32 of a window in the
// client's favour.
inline constexpr unsigned send_rate_slots = 32;
}  // namespace pop3d::limits
