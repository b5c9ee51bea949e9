#include "sessiond/tls_relay.h"

#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include "common/limits.h"
#include "sessiond/departed_bytes.h"

namespace pop3d::session {
namespace {

constexpr std::size_t chunk = 16 * 1024;

class Relay {
public:
    Relay(TlsStream& client, int session_fd, SendRateFloor floor)
        : ssl_(client.ssl()), client_(client), session_(session_fd), floor_(floor), departed_(client.out_fd()) {}

    RelayEnd run(unsigned idle_seconds) {
        int status = run_until_done(idle_seconds);
        return RelayEnd{status, too_slow_};
    }

private:
    // Returns the exit status.
    int run_until_done(unsigned idle_seconds) {
        for (;;) {
            bool moved = false;
            moved |= session_to_client();
            moved |= client_to_session();
            if ((client_done_ || client_closed_) && to_session_.empty() && !session_shut_) {
                ::shutdown(session_, SHUT_WR);
                session_shut_ = true;
            }
            if (session_done_ && queued_for_client() == 0) {
                if (!client_done_) client_.close();
                return failed_ ? 1 : 0;
            }
            if (client_done_ && session_done_) return failed_ ? 1 : 0;
            if (below_floor()) return 0;  // the session sees its end; the monitor logs why
            if (moved) continue;
            if (!wait(idle_seconds)) return 1;
        }
    }

    // The floor's clock runs while the relay holds bytes the client has not
    // taken; what left counts from the TLS records written to the socket.
    bool below_floor() {
        if (!floor_.enabled()) return false;
        auto now = SendRateFloor::Clock::now();
        if (client_done_ || queued_for_client() == 0) {
            floor_.idle(now);
            return false;
        }
        floor_.waiting(now);
        floor_.departed(now, departed_.since_last(BIO_number_written(SSL_get_wbio(ssl_))));
        if (!floor_.below(now)) return false;
        too_slow_ = floor_.shortfall(now);
        return true;
    }

    // Returns whether a byte moved.
    bool session_to_client() {
        bool moved = false;
        // A write that wanted to be retried is retried with the same bytes
        // at the same address (OpenSSL checks): what the session sends
        // meanwhile queues in to_client_, never in writing_.
        if (writing_.empty()) writing_.swap(to_client_);
        if (!writing_.empty() && !client_done_) {
            ERR_clear_error();
            std::size_t n = 0;
            if (SSL_write_ex(ssl_, writing_.data(), writing_.size(), &n) == 1) {
                writing_.erase(0, n);
                moved = true;
                write_wants_ = 0;
            } else {
                int e = SSL_get_error(ssl_, 0);
                if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
                    write_wants_ = e;
                else
                    client_gone(e);
            }
        }
        if (client_done_) {  // nobody left to read it
            writing_.clear();
            to_client_.clear();
        }
        if (!session_done_ && queued_for_client() < limits::tls_relay_buffer) {
            char buffer[chunk];
            ssize_t n = ::read(session_, buffer, sizeof buffer);
            if (n > 0) {
                to_client_.append(buffer, static_cast<std::size_t>(n));
                moved = true;
            } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                session_done_ = true;
                moved = true;
            }
        }
        return moved;
    }

    bool client_to_session() {
        bool moved = false;
        if (!client_done_ && !client_closed_ && to_session_.size() < limits::tls_relay_buffer) {
            char buffer[chunk];
            ERR_clear_error();
            std::size_t n = 0;
            if (SSL_read_ex(ssl_, buffer, sizeof buffer, &n) == 1) {
                to_session_.append(buffer, n);
                moved = true;
                read_wants_ = 0;
            } else {
                int e = SSL_get_error(ssl_, 0);
                if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
                    read_wants_ = e;
                } else if (e == SSL_ERROR_ZERO_RETURN) {
                    // close_notify closes only the client's direction: the
                    // session still answers (a QUIT sent with it gets its +OK).
                    client_closed_ = true;
                    read_wants_ = 0;
                    moved = true;
                } else {
                    client_gone(e);
                }
                moved = moved || client_done_;
            }
        }
        if (!to_session_.empty() && !session_shut_) {
            ssize_t n = ::write(session_, to_session_.data(), to_session_.size());
            if (n > 0) {
                to_session_.erase(0, static_cast<std::size_t>(n));
                moved = true;
            } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                // The session is gone: what the client still sends is dropped.
                to_session_.clear();
                session_shut_ = true;
            }
        }
        return moved;
    }

    std::size_t queued_for_client() const { return writing_.size() + to_client_.size(); }

    // A client that closed or left ends the relay well; a TLS failure
    // (a bad record, a failed write retry) makes it end with status 1.
    void client_gone(int ssl_error) {
        if (ssl_error == SSL_ERROR_SSL &&
            ERR_GET_REASON(ERR_peek_error()) != SSL_R_UNEXPECTED_EOF_WHILE_READING)
            failed_ = true;
        client_done_ = true;
        read_wants_ = write_wants_ = 0;
    }

    // Waits for any side to be ready; false after idle_seconds of nothing.
    // A wait ends early, with true, when the floor needs a look.
    bool wait(unsigned idle_seconds) {
        short client_events = 0;
        short out_events = 0;
        for (int want : {read_wants_, write_wants_}) {
            if (want == SSL_ERROR_WANT_READ) client_events |= POLLIN;
            if (want == SSL_ERROR_WANT_WRITE) out_events |= POLLOUT;
        }
        short session_events = 0;
        if (!session_done_ && queued_for_client() < limits::tls_relay_buffer) session_events |= POLLIN;
        if (!to_session_.empty() && !session_shut_) session_events |= POLLOUT;
        // A descriptor with nothing to wait for is left out (-1), or its
        // hang-up would wake poll at once, again and again.
        pollfd p[3] = {{client_events ? client_.in_fd() : -1, client_events, 0},
                       {out_events ? client_.out_fd() : -1, out_events, 0},
                       {session_events ? session_ : -1, session_events, 0}};
        int idle_millis = static_cast<int>(idle_seconds) * 1000;
        int floor_millis = poll_millis(floor_.time_left(SendRateFloor::Clock::now()));
        int rc;
        do {
            rc = ::poll(p, 3, std::min(idle_millis, floor_millis));
        } while (rc < 0 && errno == EINTR);
        if (rc == 0) return floor_millis < idle_millis;
        if (rc < 0) return false;
        // A hang-up or error on the client shows up at the next SSL call.
        return true;
    }

    SSL* ssl_;
    TlsStream& client_;
    int session_;
    std::string to_session_;
    std::string to_client_;
    std::string writing_;  // handed to SSL_write_ex, unchanged until it succeeds
    int read_wants_ = SSL_ERROR_WANT_READ;
    int write_wants_ = 0;
    bool client_done_ = false;    // the client left: nothing more either way
    bool client_closed_ = false;  // the client sent close_notify: nothing more from it
    bool session_done_ = false;
    bool session_shut_ = false;
    bool failed_ = false;
    SendRateFloor floor_;
    DepartedBytes departed_;
    std::string too_slow_;
};

}  // namespace

RelayEnd relay_tls(TlsStream& client, int session_fd, unsigned idle_seconds, SendRateFloor floor) {
    return Relay(client, session_fd, floor).run(idle_seconds);
}

}  // namespace pop3d::session
