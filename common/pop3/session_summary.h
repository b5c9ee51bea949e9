// What a session did, for the one log line per session (DESIGN.md: Logs).
#pragma once

#include <cstdint>
#include <string>

namespace pop3d::pop3 {

struct SessionSummary {
    std::uint64_t retrieved = 0;         // RETR replies completed
    std::uint64_t retrieved_octets = 0;  // their RFC 1939 octets
    std::uint64_t top = 0;               // TOP replies completed
    std::uint64_t deleted = 0;           // messages removed by UPDATE
    std::uint64_t deleted_octets = 0;
    std::uint64_t left = 0;              // messages left in the maildrop
    std::uint64_t left_octets = 0;
    bool updated = false;                // QUIT reached UPDATE and it succeeded
};

// "retr=N/OCTETS top=N dele=N/OCTETS left=N/OCTETS update=yes|no"
std::string format_summary(const SessionSummary& summary);

}  // namespace pop3d::pop3
