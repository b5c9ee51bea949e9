// How many of the bytes written to the client's connection have left the
// host, for the send rate floor (send_rate_floor.h). A TCP socket's send
// queue takes up to megabytes (net.ipv4.tcp_wmem) from a client that reads
// nothing, so there a byte counts once the client acknowledged it: what was
// written less what SIOCOUTQ says is still queued, unsent or unacknowledged.
// Anywhere else (a pipe under inetd, the session's Unix socket to the TLS
// relay, which applies the floor itself on the TCP socket) a byte counts
// when it is written.
#pragma once

#include <cstdint>

namespace pop3d::session {

class DepartedBytes {
public:
    explicit DepartedBytes(int fd);
    // The bytes that left since the last call, given how many were
    // written to the connection in all so far.
    std::uint64_t since_last(std::uint64_t written_in_all);

private:
    int fd_;
    bool tcp_;
    std::uint64_t counted_ = 0;
};

}  // namespace pop3d::session
