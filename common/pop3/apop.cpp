#include "common/pop3/apop.h"

#include <sodium.h>

#include <algorithm>
#include <cstdint>

#include "common/limits.h"
#include "common/pop3/replies.h"

namespace pop3d::pop3 {
namespace {

bool hostname_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '-';
}

}  // namespace

bool is_apop_digest(std::string_view s) {
    return s.size() == limits::apop_digest && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
           });
}

std::string make_apop_timestamp(pid_t pid, std::time_t now, std::string_view hostname) {
    std::uint64_t random = 0;
    randombytes_buf(&random, sizeof random);
    // RFC 822 msg-id: the domain is atoms joined by single dots, so empty
    // labels (a trailing dot of an FQDN, "..") are dropped.
    std::string host;
    for (char c : hostname.substr(0, limits::hostname)) {
        if (c == '.' && (host.empty() || host.back() == '.')) continue;
        host += hostname_char(c) ? c : '-';
    }
    if (!host.empty() && host.back() == '.') host.pop_back();
    if (host.empty()) host = "localhost";
    return "<" + std::to_string(pid) + "." + std::to_string(now) + "." + std::to_string(random) +
           "@" + host + ">";
}

std::string greeting_reply(std::string_view text, std::string_view timestamp) {
    // "+OK " + text + " " + timestamp + CRLF: the text gives way so that
    // the timestamp is never cut.
    std::size_t room = limits::reply_line - 2 - 4;
    room = timestamp.size() + 1 < room ? room - timestamp.size() - 1 : 0;
    std::string line(text.substr(0, std::min(room, limits::greeting_text)));
    for (char& c : line) {
        // Clients take the first "<...>" of the greeting for the APOP
        // challenge: the configured text must not offer one.
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '<' || c == '>') c = ' ';
        // RFC 2449 section 6.4: under RESP-CODES a text that begins with
        // "[" is a response code; the configured text must not look like one.
        if (c == '[') c = '(';
        if (c == ']') c = ')';
    }
    if (!timestamp.empty()) {
        if (!line.empty()) line += ' ';
        line += timestamp;
    }
    return ok(line);
}

}  // namespace pop3d::pop3
