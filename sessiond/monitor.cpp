#include "sessiond/monitor.h"

#include <poll.h>

#include <cerrno>
#include <chrono>

#include "common/frame.h"
#include "common/log.h"
#include "sessiond/attempt_deadline.h"
#include "sessiond/front_frames.h"
#include "sessiond/tls_frames.h"
#include "sessiond/tls_monitor.h"

namespace pop3d::session {
namespace {

const char* outcome_text(auth::Outcome outcome) {
    switch (outcome) {
        case auth::Outcome::temporary: return " (temporary failure)";
        case auth::Outcome::permanent: return " (configuration error)";
        default: return "";
    }
}

bool send_verdict(int fd, auth::Outcome outcome, bool last) {
    auto frame = encode_verdict(VerdictFrame{outcome, last});
    return frame && send_frame(fd, frame->view());
}

// The next frame from the front, waiting at most timeout_millis (negative:
// no limit); timed_out tells a silent front from one that went away.
Result<Frame> next_frame(int front_fd, long long timeout_millis, bool& timed_out) {
    timed_out = false;
    if (timeout_millis >= 0) {
        pollfd p{front_fd, POLLIN, 0};
        int r;
        do {
            r = ::poll(&p, 1, static_cast<int>(timeout_millis));
        } while (r < 0 && errno == EINTR);
        if (r == 0) {
            timed_out = true;
            return make_error(ErrorKind::temporary, "the front sent nothing in time");
        }
    }
    return recv_frame(front_fd);
}

MonitorResult end(MonitorResult r, Ended how) {
    r.ended = how;
    return r;
}

using Clock = std::chrono::steady_clock;

// How long the next wait for the front may last: the front's own timeout,
// cut to what is left of login_timeout; negative: no limit.
long long wait_millis(const MonitorSettings& s, Clock::time_point login_deadline) {
    long long front = s.front_timeout_seconds ? 1000LL * s.front_timeout_seconds : -1;
    if (s.login_timeout_seconds == 0) return front;
    long long left =
        std::chrono::duration_cast<std::chrono::milliseconds>(login_deadline - Clock::now()).count();
    if (left < 0) left = 0;
    return front < 0 || left < front ? left : front;
}

}  // namespace

MonitorResult converse_with_front(int front_fd, Verifier& verifier, const MonitorSettings& settings) {
    MonitorResult result;
    const char* client = settings.client.c_str();
    bool timed_out = false;
    const Clock::time_point login_deadline = Clock::now() + std::chrono::seconds(settings.login_timeout_seconds);
    for (unsigned attempts = 0;;) {
        auto frame = next_frame(front_fd, wait_millis(settings, login_deadline), timed_out);
        // The wait was cut to what was left of login_timeout, in whole
        // milliseconds rounded down: it may end just short of the deadline.
        if (timed_out && settings.login_timeout_seconds != 0 &&
            Clock::now() + std::chrono::milliseconds(50) >= login_deadline) {
            log::notice("client %s: no login within %u s (login_timeout); session ended", client,
                        settings.login_timeout_seconds);
            return end(std::move(result), Ended::login_timeout);
        }
        if (timed_out) {
            log::error("client %s: the front sent nothing for %u s; session ended", client,
                       settings.front_timeout_seconds);
            return end(std::move(result), Ended::front_timeout);
        }
        if (!frame) return end(std::move(result), Ended::front_gone);
        if (frame->type == static_cast<std::uint8_t>(FrameType::end)) {
            auto reason = decode_end(*frame);
            if (!reason) {
                log::error("client %s: %s; session ended", client, reason.error().message.c_str());
                return end(std::move(result), Ended::bad_frame);
            }
            return end(std::move(result), ended_by_front(*reason));
        }
        if (is_tls_frame(frame->type)) {
            switch (on_tls_frame(*frame, front_fd, settings.tls_key, settings.client, result.tls)) {
                case TlsStep::carry_on: continue;
                case TlsStep::session_over: return end(std::move(result), Ended::tls_failed);
                case TlsStep::bad_frame: return end(std::move(result), Ended::bad_frame);
            }
        }
        auto credentials = decode_credentials(*frame);
        if (!credentials) {
            log::error("client %s: %s; session ended", client, credentials.error().message.c_str());
            return end(std::move(result), Ended::bad_frame);
        }
        if (settings.require_tls && result.tls.empty()) {
            // The front refuses these itself; a front that sends one is not ours.
            log::error("client %s: credentials before TLS, which is required; session ended", client);
            return end(std::move(result), Ended::bad_frame);
        }
        ++attempts;
        const AttemptDeadline deadline(settings.failure_delay);
        result.user = log::sanitize(credentials->user);
        auth::AuthRequest request;
        request.mechanism = credentials->mechanism;
        request.user = credentials->user;
        request.password = std::move(credentials->password);
        request.client = settings.client;
        if (request.mechanism == auth::Mechanism::apop) {
            request.apop_digest = credentials->digest;
            request.apop_timestamp = settings.apop_timestamp;
        }
        auth::Outcome outcome = auth::Outcome::rejected;
        std::optional<Login> login;
        if (!credentials->authzid.empty() && credentials->authzid != credentials->user) {
            // The engine refuses this already; a front that sends it is not ours.
            log::error("client %s: authzid differs from the user; refused", client);
        } else if (auto verdict = verifier.verify(request); !verdict) {
            log::error("client %s: pop3d-auth: %s", client, verdict.error().message.c_str());
            outcome = auth::Outcome::temporary;
        } else if (verdict->accepted()) {
            auto checked = check_login(*verdict, settings.policy, settings.lookup);
            if (checked) {
                outcome = auth::Outcome::accepted;
                login = std::move(*checked);
            } else {
                log::error("client %s: user \"%s\": %s", client, result.user.c_str(), checked.error().message.c_str());
            }
        } else {
            outcome = verdict->outcome;
        }
        if (outcome == auth::Outcome::accepted) {
            if (!send_verdict(front_fd, outcome, false)) return end(std::move(result), Ended::front_gone);
            auto handover = next_frame(front_fd, wait_millis(settings, login_deadline), timed_out);
            if (!handover) return end(std::move(result), timed_out ? Ended::front_timeout : Ended::front_gone);
            auto bytes = decode_handover(*handover);
            if (!bytes) {
                log::error("client %s: %s; session ended", client, bytes.error().message.c_str());
                return end(std::move(result), Ended::bad_frame);
            }
            result.login = std::move(login);
            result.unconsumed = std::move(*bytes);
            return result;
        }
        // One line per failure, in a fixed form for fail2ban.
        log::notice("login failed for user \"%s\" from %s with %s%s", result.user.c_str(), client,
                    auth::mechanism_name(request.mechanism), outcome_text(outcome));
        bool last = attempts >= settings.max_attempts;
        deadline.wait();
        if (!send_verdict(front_fd, outcome, last)) return end(std::move(result), Ended::front_gone);
        if (last) return end(std::move(result), Ended::too_many_attempts);
    }
}

}  // namespace pop3d::session
