#include "common/pop3/session_summary.h"

#include <cinttypes>
#include <cstdio>

namespace pop3d::pop3 {

std::string format_summary(const SessionSummary& s) {
    char line[256];
    std::snprintf(line, sizeof line,
                  "retr=%" PRIu64 "/%" PRIu64 " top=%" PRIu64 " dele=%" PRIu64 "/%" PRIu64
                  " left=%" PRIu64 "/%" PRIu64 " update=%s",
                  s.retrieved, s.retrieved_octets, s.top, s.deleted, s.deleted_octets, s.left,
                  s.left_octets, s.updated ? "yes" : "no");
    return line;
}

}  // namespace pop3d::pop3
