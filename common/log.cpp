#include "common/log.h"

#include <syslog.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>

namespace pop3d::log {
namespace {

struct Name {
    std::string_view name;
    int value;
};

constexpr Name facilities[] = {
    {"auth", LOG_AUTH},     {"authpriv", LOG_AUTHPRIV}, {"cron", LOG_CRON},     {"daemon", LOG_DAEMON},
    {"ftp", LOG_FTP},       {"kern", LOG_KERN},         {"lpr", LOG_LPR},       {"mail", LOG_MAIL},
    {"news", LOG_NEWS},     {"syslog", LOG_SYSLOG},     {"user", LOG_USER},     {"uucp", LOG_UUCP},
    {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1},     {"local2", LOG_LOCAL2}, {"local3", LOG_LOCAL3},
    {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5},     {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
};

constexpr Name levels[] = {
    {"debug", LOG_DEBUG},     {"info", LOG_INFO}, {"notice", LOG_NOTICE}, {"warning", LOG_WARNING},
    {"err", LOG_ERR},         {"error", LOG_ERR}, {"crit", LOG_CRIT},     {"alert", LOG_ALERT},
    {"emerg", LOG_EMERG},
};

int lookup(std::string_view name, const Name* table, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (table[i].name == name) return table[i].value;
    return -1;
}

bool to_stderr = true;
int max_priority = LOG_INFO;
int syslog_facility_value = LOG_MAIL;
const char* program = "pop3d";

void emit(int priority, const char* fmt, va_list ap) {
    if (priority > max_priority) return;
    char line[1024];
    vsnprintf(line, sizeof line, fmt, ap);
    syslog(priority, "%s", line);
    if (to_stderr) {
        // One write per line so that lines of several processes do not mix.
        char out[1100];
        int n = snprintf(out, sizeof out, "%s[%d]: %s\n", program, static_cast<int>(getpid()), line);
        if (n > 0) {
            ssize_t ignored = write(STDERR_FILENO, out, static_cast<std::size_t>(n) < sizeof out ? n : sizeof out - 1);
            (void)ignored;  // nowhere left to report a failing stderr
        }
    }
}

}  // namespace

int syslog_facility(std::string_view name) { return lookup(name, facilities, std::size(facilities)); }
int syslog_level(std::string_view name) { return lookup(name, levels, std::size(levels)); }

void init(const char* ident, std::string_view facility, std::string_view level, bool also_stderr) {
    program = ident;
    to_stderr = also_stderr;
    int f = syslog_facility(facility);
    int l = syslog_level(level);
    max_priority = l < 0 ? LOG_INFO : l;
    syslog_facility_value = f < 0 ? LOG_MAIL : f;
    openlog(ident, LOG_PID | LOG_NDELAY, syslog_facility_value);
}

void reconnect() { openlog(program, LOG_PID | LOG_NDELAY, syslog_facility_value); }

std::string sanitize(std::string_view text, std::size_t max) {
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (out.size() >= max) {
            out += "...";
            break;
        }
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c >= 0x7f || c == '\\' || c == '"') {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

#define POP3D_LOG_FUNCTION(name, priority) \
    void name(const char* fmt, ...) {      \
        va_list ap;                        \
        va_start(ap, fmt);                 \
        emit(priority, fmt, ap);           \
        va_end(ap);                        \
    }

POP3D_LOG_FUNCTION(error, LOG_ERR)
POP3D_LOG_FUNCTION(warning, LOG_WARNING)
POP3D_LOG_FUNCTION(notice, LOG_NOTICE)
POP3D_LOG_FUNCTION(info, LOG_INFO)
POP3D_LOG_FUNCTION(debug, LOG_DEBUG)

}  // namespace pop3d::log
