// The relay between a TLS client and the session: a slow client gets every
// byte, however often OpenSSL asks to retry a write.
#include "sessiond/tls_relay.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "common/unique_fd.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_cert.h"

namespace pop3d::session {
namespace {

using testing::KeyKind;
using testing::TempDir;

void make_nonblocking(int fd) { ASSERT_EQ(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK), 0); }

int exit_status(pid_t pid) {
    int status = 0;
    pid_t r;
    do {
        r = waitpid(pid, &status, 0);
    } while (r < 0 && errno == EINTR);
    return r == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A client that reads `expected` bytes in small pieces, pausing now and
// then so that the relay's socket buffer fills; exits 0 if all came.
[[noreturn]] void slow_client(int fd, std::size_t expected) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1) _exit(2);
    char buffer[1024];
    std::size_t got = 0;
    int n;
    while ((n = SSL_read(ssl, buffer, sizeof buffer)) > 0) {
        got += static_cast<std::size_t>(n);
        if ((got & 0xffff) < sizeof buffer) usleep(20 * 1000);
    }
    _exit(got == expected ? 0 : 1);
}

// A session that writes `total` bytes and closes.
[[noreturn]] void writing_session(int fd, std::size_t total) {
    std::string chunk(64 * 1024, 'x');
    std::size_t sent = 0;
    while (sent < total) {
        ssize_t n = write(fd, chunk.data(), std::min(chunk.size(), total - sent));
        if (n <= 0) _exit(1);
        sent += static_cast<std::size_t>(n);
    }
    _exit(0);
}

// Runs the relay between a TLS client and a session, each a forked child
// running the given function on its socket; the client's socket has an
// 8 KiB buffer. The server's context lacks SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
// on purpose: the relay must retry a write with the same buffer by itself.
struct RelayRun {
    int relay_status = -1;
    int session_status = -1;
    int client_status = -1;
    std::string too_slow;
    std::chrono::steady_clock::duration relayed{};
};

RelayRun run_relay(void (*client_main)(int), void (*session_main)(int), SendRateFloor floor = {}) {
    RelayRun run;
    signal(SIGPIPE, SIG_IGN);
    TempDir dir;
    auto cert = make_test_cert(dir.path(), "relay", KeyKind::ecdsa);
    EXPECT_FALSE(cert.cert_path.empty());
    int t[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, t) != 0) return run;
    UniqueFd server_end(t[0]), client_end(t[1]);
    int small = 8192;
    EXPECT_EQ(setsockopt(t[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
    EXPECT_EQ(setsockopt(t[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
    pid_t client = fork();
    if (client == 0) {
        server_end.reset();
        client_main(client_end.get());
        _exit(3);
    }
    client_end.reset();

    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    EXPECT_EQ(SSL_CTX_use_certificate_file(ctx, cert.cert_path.c_str(), SSL_FILETYPE_PEM), 1);
    EXPECT_EQ(SSL_CTX_use_PrivateKey_file(ctx, cert.key_path.c_str(), SSL_FILETYPE_PEM), 1);
    SslPtr ssl(SSL_new(ctx));
    SSL_CTX_free(ctx);  // the SSL keeps its own reference
    SSL_set_fd(ssl.get(), server_end.get());
    EXPECT_EQ(SSL_accept(ssl.get()), 1);
    make_nonblocking(server_end.get());

    int r[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, r), 0);
    UniqueFd relay_end(r[0]), session_end(r[1]);
    pid_t session = fork();
    if (session == 0) {
        relay_end.reset();
        server_end.reset();
        session_main(session_end.get());
        _exit(3);
    }
    session_end.reset();
    make_nonblocking(relay_end.get());

    TlsStream stream(std::move(ssl), server_end.get(), server_end.get());
    auto start = std::chrono::steady_clock::now();
    RelayEnd end = relay_tls(stream, relay_end.get(), 10, floor);
    run.relayed = std::chrono::steady_clock::now() - start;
    run.relay_status = end.status;
    run.too_slow = end.too_slow;
    relay_end.reset();
    server_end.reset();
    run.session_status = exit_status(session);
    run.client_status = exit_status(client);
    return run;
}

// A client that sends a record that does not decrypt, then waits for the end.
[[noreturn]] void forging_client(int fd) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1) _exit(2);
    const char forged[] = "\x17\x03\x03\x00\x20" "0123456789abcdef0123456789abcdef";
    if (write(fd, forged, sizeof forged - 1) != static_cast<ssize_t>(sizeof forged - 1)) _exit(2);
    char buffer[256];
    while (read(fd, buffer, sizeof buffer) > 0) {
    }
    _exit(0);
}

// A session that reads its input to the end.
[[noreturn]] void reading_session(int fd) {
    char buffer[256];
    while (read(fd, buffer, sizeof buffer) > 0) {
    }
    _exit(0);
}

constexpr std::size_t retr_size = 200 * 1024;

// A RETR of 200 KB to a client behind an 8 KiB socket buffer.
TEST(TlsRelay, SlowClientGetsEveryByte) {
    RelayRun run = run_relay([](int fd) { slow_client(fd, retr_size); },
                             [](int fd) { writing_session(fd, retr_size); });
    EXPECT_EQ(run.relay_status, 0);
    EXPECT_EQ(run.session_status, 0);
    EXPECT_EQ(run.client_status, 0) << "the client did not get all " << retr_size << " bytes";
}

// A TLS failure is not a clean end: the relay's status says so.
TEST(TlsRelay, ABadRecordEndsTheRelayWithAnError) {
    RelayRun run = run_relay(forging_client, reading_session);
    EXPECT_EQ(run.relay_status, 1);
    EXPECT_EQ(run.session_status, 0);
    EXPECT_EQ(run.client_status, 0);
}

// A client that sends QUIT and close_notify together, then reads to the
// end; exits 0 if the answer came.
[[noreturn]] void quitting_client(int fd) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1 || SSL_write(ssl, "QUIT\r\n", 6) != 6) _exit(2);
    if (SSL_shutdown(ssl) < 0) _exit(2);
    std::string got;
    char buffer[256];
    int n;
    while ((n = SSL_read(ssl, buffer, sizeof buffer)) > 0) got.append(buffer, static_cast<std::size_t>(n));
    _exit(got == "+OK bye\r\n" ? 0 : 1);
}

// A session that reads its input to the end, then answers QUIT.
[[noreturn]] void answering_session(int fd) {
    std::string got;
    char buffer[256];
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0) got.append(buffer, static_cast<std::size_t>(n));
    if (got != "QUIT\r\n") _exit(1);
    _exit(write(fd, "+OK bye\r\n", 9) == 9 ? 0 : 1);
}

// close_notify ends only what the client sends: the session's answer still
// goes out (a QUIT with close_notify updates the maildrop and gets its +OK).
TEST(TlsRelay, CloseNotifyStillGetsTheAnswer) {
    RelayRun run = run_relay(quitting_client, answering_session);
    EXPECT_EQ(run.relay_status, 0);
    EXPECT_EQ(run.session_status, 0);
    EXPECT_EQ(run.client_status, 0) << "the client did not get the session's answer";
}

}  // namespace
}  // namespace pop3d::session

namespace pop3d::session {
namespace {

// A client that completes the handshake, then reads nothing until the
// relay closes the connection (at most 10 s); exits 0 if it closed.
[[noreturn]] void client_that_never_reads(int fd) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1) _exit(2);
    // POLLRDHUP alone: arriving data does not wake it, a hang-up does.
    pollfd p{fd, POLLRDHUP, 0};
    int rc;
    do {
        rc = poll(&p, 1, 10000);
    } while (rc < 0 && errno == EINTR);
    _exit(rc == 1 ? 0 : 1);
}

// The relay holds the bytes that leave the host, so it keeps the floor
// itself: a client that takes nothing ends it after one window.
TEST(TlsRelay, AClientUnderTheSendRateEndsTheRelayAfterOneWindow) {
    RelayRun run = run_relay(client_that_never_reads, [](int fd) { writing_session(fd, retr_size); },
                             SendRateFloor(64 * 1024, 1));
    EXPECT_EQ(run.relay_status, 0) << "an end on purpose, not a failure";
    EXPECT_NE(run.too_slow.find("under min_send_rate 65536"), std::string::npos) << run.too_slow;
    EXPECT_GE(run.relayed, std::chrono::milliseconds(990));
    EXPECT_LT(run.relayed, std::chrono::seconds(5));
    EXPECT_EQ(run.client_status, 0) << "the relay did not close the connection";
}

// A slow client that still takes more than the floor gets every byte.
TEST(TlsRelay, AClientOverTheFloorGetsEveryByte) {
    RelayRun run = run_relay([](int fd) { slow_client(fd, retr_size); },
                             [](int fd) { writing_session(fd, retr_size); }, SendRateFloor(1024, 1));
    EXPECT_EQ(run.relay_status, 0) << run.too_slow;
    EXPECT_TRUE(run.too_slow.empty());
    EXPECT_EQ(run.client_status, 0);
}

}  // namespace
}  // namespace pop3d::session
