// Logging to syslog (and stderr in the foreground). Lines are printf-style;
// every byte a client chose is escaped before it reaches the log, so a user
// name cannot forge a log line. Passwords never reach these functions.
#pragma once

#include <string>
#include <string_view>

namespace pop3d::log {

// Syslog facility and priority for a configured name; -1 when unknown.
int syslog_facility(std::string_view name);
int syslog_level(std::string_view name);

// ident is the program name; facility and level are configuration names
// already validated. also_stderr copies each line to stderr.
void init(const char* ident, std::string_view facility, std::string_view level, bool also_stderr);

// Opens the syslog socket again with init's settings: for a forked child
// that closed its parent's (closelog) and must connect before it enters a
// chroot without /dev/log, or a sandbox without socket().
void reconnect();

// Makes text from a client safe for a log line: non-printable bytes, quotes
// and backslashes become \xNN, and it is cut at `max` bytes.
std::string sanitize(std::string_view text, std::size_t max = 64);

void error(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void warning(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void notice(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void info(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void debug(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace pop3d::log

namespace pop3d {
using log::syslog_facility;
using log::syslog_level;
}  // namespace pop3d
