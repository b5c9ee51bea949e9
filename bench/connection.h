// A blocking POP3 connection over loopback TCP with a bounded line buffer.
// Every call returns an empty string on success, else what went wrong.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench/manifest.h"

namespace bench {

class TlsClient;

constexpr std::size_t kLineBuffer = 1 << 20;  // longest line accepted, CRLF included
constexpr int kIoTimeoutSeconds = 120;        // no scenario waits longer for one reply

class Connection {
public:
    explicit Connection(int fd = -1);
    ~Connection();
    Connection(Connection&& other) noexcept;
    Connection& operator=(Connection&& other) noexcept;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    static std::string connect_loopback(int port, Connection* out);
    // Implicit TLS (POP3S): handshakes before the greeting; every later
    // read and write goes through it.
    std::string start_tls();
    // The TLS version, cipher and certificate key; empty without TLS.
    std::string tls_negotiated() const;

    std::string send(std::string_view bytes);
    // A line without its CRLF; valid until the next read.
    std::string read_line(std::string_view* line);
    // Reads a status line; "+OK ..." succeeds, anything else is the error.
    std::string expect_ok(std::string_view* line = nullptr);
    // Sends a command and expects +OK.
    std::string command(std::string_view cmd, std::string_view* reply = nullptr);
    // Reads a multi-line body up to ".", undoes the byte-stuffing and checks
    // it, line by line, against `length` bytes of LF-terminated expected text.
    std::string read_body_matching(const char* expected, std::uint64_t length,
                                   std::uint64_t* wire_octets);
    // Reads and drops a multi-line body.
    std::string skip_body();
    int fd() const { return fd_; }

private:
    std::string fill();
    int fd_;
    std::unique_ptr<TlsClient> tls_;
    std::vector<char> buf_;
    std::size_t begin_ = 0, end_ = 0;
};

// Writes all of `bytes` to a socket, retrying on EINTR and short writes.
std::string write_all(int fd, const char* bytes, std::size_t length);

}  // namespace bench
