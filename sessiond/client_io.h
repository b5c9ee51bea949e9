// I/O on the client's connection, every wait bounded by the autologout time
// (RFC 1939 section 3): a client that neither sends nor reads for that long
// loses the session (without UPDATE). The connection must be non-blocking
// (stop_blocking), or a write to a client that stopped reading waits in the
// kernel, past any deadline, holding the maildrop.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/pop3/output.h"
#include "common/result.h"
#include "sessiond/departed_bytes.h"
#include "sessiond/send_rate_floor.h"

namespace pop3d::session {

// Replies to the client: each write waits at most timeout_seconds for the
// connection to take more bytes, and, after login, no longer than the
// client keeps above the send rate floor (send_rate_floor.h).
class ClientOutput : public pop3::Output {
public:
    ClientOutput(int fd, unsigned timeout_seconds, SendRateFloor floor = {})
        : fd_(fd), timeout_seconds_(timeout_seconds), floor_(floor), departed_(fd) {}
    Status write(std::string_view bytes) override;
    // Why a write failed because the client fell below the floor (its rate,
    // for the log); empty otherwise.
    const std::string& too_slow() const { return too_slow_; }

private:
    Status write_until(std::string_view bytes, std::chrono::steady_clock::time_point deadline);

    int fd_;
    unsigned timeout_seconds_;
    SendRateFloor floor_;
    DepartedBytes departed_;
    std::uint64_t written_ = 0;
    std::string too_slow_;
};

// A wait for poll(2): milliseconds, rounded up (a deadline is never woken
// for early), at most INT_MAX (duration::max() is "no deadline").
int poll_millis(std::chrono::steady_clock::duration wait);

// The session gathers its replies into large writes itself (PIPELINING), so
// Nagle's algorithm only holds back the last small segment of each burst
// until the client's delayed ACK: about 40 ms per RETR. Turns it off on a
// TCP connection; anything else (a pipe under socat, a Unix socket) is left
// as it is.
void send_without_delay(int fd);

// O_NONBLOCK on the connection (the listener, inetd and socat hand it over
// blocking), so that ClientOutput's deadline bounds every write. A terminal
// is left as it is.
Status stop_blocking(int fd);

struct ClientRead {
    enum class Kind {
        data,        // `size` bytes were read
        closed,      // the client closed the connection
        autologout,  // nothing arrived within the timeout
        watched,     // the watched descriptor became readable or closed
        error,       // a read error (connection reset)
    };
    Kind kind = Kind::data;
    std::size_t size = 0;
};

// Waits at most timeout_seconds for bytes from fd and reads what is there
// (at most `capacity`). If `watch` is not -1, it is polled too: the front
// watches its monitor's socket, so it ends when the monitor goes away.
ClientRead read_client(int fd, char* buffer, std::size_t capacity, unsigned timeout_seconds, int watch = -1);

}  // namespace pop3d::session
