#include "sessiond/front.h"

#include <unistd.h>

#include "common/frame.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/pop3/apop.h"
#include "common/pop3/authorization.h"
#include "common/pop3/command_reader.h"
#include "common/privileges.h"
#include "sessiond/client_channel.h"
#include "sessiond/front_frames.h"
#include "sessiond/tls_front.h"
#include "sessiond/tls_relay.h"

namespace pop3d::session {
namespace {

void tell_monitor_end(int monitor_fd, EndReason reason) {
    auto frame = encode_end(reason);
    if (frame) {
        auto ignored = send_frame(monitor_fd, frame->view());
        (void)ignored;  // the monitor may be gone already; the front ends either way
    }
}

// What the front does after asking the monitor.
enum class Next { carry_on, stop, handed_over };

class Front {
public:
    Front(int in_fd, int out_fd, int monitor_fd, const FrontSettings& s, TlsContext* tls)
        : monitor_(monitor_fd),
          settings_(s),
          tls_(tls),
          client_(in_fd, out_fd, s.autologout),
          out_(client_),
          auth_(pop3::AuthorizationOptions{s.apop_timestamp, tls && s.stls, false, s.require_tls}) {}

    // A TLS session that ends here, before any login (QUIT, the last
    // failed attempt, a timeout, the monitor's end), sends close_notify
    // first (RFC 8446 section 6.1, RFC 5246 section 7.2.1), so that the
    // client can tell the end from a cut; after a login the relay does.
    int run() {
        int status = serve();
        if (client_.tls() && !relayed_) client_.tls()->close();
        return status;
    }

private:
    int serve() {
        if (settings_.implicit_tls) {
            if (!tls_ || !start_tls(*tls_, client_, monitor_, settings_.handshake_timeout)) return 0;
            auth_.tls_started();
        }
        if (!out_.append(pop3::greeting_reply(settings_.greeting, settings_.apop_timestamp)) || !out_.flush()) return 1;
        char buffer[4096];
        // Each pass reads at least one byte or ends; the autologout bounds
        // the time a pass may wait.
        for (;;) {
            while (auto line = reader_.next(auth_.line_limit())) {
                Next next = answer(*line);
                if (next == Next::handed_over && client_.tls()) {
                    relayed_ = true;
                    return relay();
                }
                if (next != Next::carry_on) return 0;
            }
            if (!out_.flush()) return end(EndReason::disconnected);
            ClientRead got = client_.read(buffer, sizeof buffer, monitor_);
            switch (got.kind) {
                case ClientRead::Kind::data: reader_.feed(std::string_view(buffer, got.size)); break;
                case ClientRead::Kind::autologout: return end(EndReason::autologout);
                case ClientRead::Kind::watched: return 0;  // the monitor ended the session
                case ClientRead::Kind::closed:
                case ClientRead::Kind::error: return end(EndReason::disconnected);
            }
        }
    }

    int relay() {
        RelayEnd end = relay_tls(*client_.tls(), settings_.relay_fd, settings_.autologout + limits::front_grace_seconds,
                                 SendRateFloor(settings_.min_send_rate, settings_.send_rate_window));
        if (!end.too_slow.empty() && settings_.relay_report_fd >= 0) {
            ssize_t ignored = ::write(settings_.relay_report_fd, end.too_slow.data(), end.too_slow.size());
            (void)ignored;  // the report is for the log; the relay is over either way
        }
        return end.status;
    }

    int end(EndReason reason) {
        tell_monitor_end(monitor_, reason);
        return 0;
    }

    Next answer(const pop3::ReadLine& line) {
        pop3::AuthAction action = line.kind == pop3::ReadLine::Kind::command ? auth_.on_line(line.text)
                                                                             : auth_.on_line_error(line.kind);
        switch (action.kind) {
            case pop3::AuthAction::Kind::reply: return append(action.reply);
            case pop3::AuthAction::Kind::quit: {
                bool answered = out_.append(action.reply) && out_.flush();
                tell_monitor_end(monitor_, answered ? EndReason::quit : EndReason::disconnected);
                return Next::stop;
            }
            case pop3::AuthAction::Kind::check_credentials: return check(action.credentials);
            case pop3::AuthAction::Kind::start_tls: return begin_tls(action.reply);
        }
        // Not reached: every kind is answered above.
        end(EndReason::protocol_error);
        return Next::stop;
    }

    // STLS (RFC 2595): whatever the client sent after the command is
    // dropped, so that nothing it sent in plaintext is answered inside TLS.
    Next begin_tls(const std::string& reply) {
        if (!tls_ || !out_.append(reply) || !out_.flush()) return Next::stop;
        reader_.discard();
        if (!start_tls(*tls_, client_, monitor_, settings_.handshake_timeout)) return Next::stop;
        auth_.tls_started();
        return Next::carry_on;
    }

    Next append(const std::string& reply) {
        if (!out_.append(reply)) {
            end(EndReason::disconnected);
            return Next::stop;
        }
        return Next::carry_on;
    }

    Next check(const auth::Credentials& credentials) {
        // Replies so far reach the client before anything the monitor or
        // the session writes.
        if (!out_.flush()) {
            end(EndReason::disconnected);
            return Next::stop;
        }
        auto frame = encode_credentials(credentials);
        if (!frame) {
            // A field over its limit (nothing else the engine yields is
            // refused): the same answer as a wrong password.
            pop3::AuthAction refused = auth_.on_refusal(auth::Outcome::rejected);
            return append(refused.reply);
        }
        if (!send_frame(monitor_, frame->view())) return Next::stop;
        auto reply = recv_frame(monitor_);
        if (!reply) return Next::stop;
        auto verdict = decode_verdict(*reply);
        if (!verdict) return Next::stop;
        if (verdict->outcome == auth::Outcome::accepted) {
            // The session answers the login once the maildrop is open.
            auto handover = encode_handover(reader_.unconsumed());
            if (handover) {
                auto ignored = send_frame(monitor_, handover->view());
                (void)ignored;  // if it failed the monitor sees the front gone
            }
            return Next::handed_over;
        }
        pop3::AuthAction action = auth_.on_refusal(verdict->outcome);
        Next next = append(action.reply);
        if (verdict->last) {
            // The monitor has ended the session; the reply goes out if it can.
            auto flushed = out_.flush();
            (void)flushed;
            return Next::stop;
        }
        return next;
    }

    int monitor_;
    const FrontSettings& settings_;
    TlsContext* tls_;
    ClientChannel client_;
    pop3::OutputBuffer out_;
    pop3::Authorization auth_;
    pop3::CommandReader reader_;
    bool relayed_ = false;  // the relay ended the TLS session, close_notify included
};

}  // namespace

Status drop_front_privileges(const PrivsepConfig& privsep, bool as_root) {
    namespace priv = pop3d::privileges;
    if (as_root) {
        auto found = priv::lookup_user(privsep.user);
        if (!found) return found.error();
        if (!*found) return make_error(ErrorKind::permanent, "[privsep] user: no such user: " + privsep.user);
        const priv::Account& account = **found;
        if (account.uid == 0) return make_error(ErrorKind::permanent, "[privsep] user must not be root");
        if (auto st = priv::enter_chroot(privsep.chroot); !st) return st;
        if (auto st = priv::clear_bounding_set(); !st) return st;
        if (auto st = priv::switch_to(account.uid, account.gid, {}); !st) return st;
        if (auto st = priv::drop_all_capabilities(); !st) return st;
    }
    if (auto st = priv::set_no_new_privs(); !st) return st;
    if (auto st = priv::disable_core_dumps(); !st) return st;
    if (auto st = priv::limit_processes(0); !st) return st;
    return priv::set_not_dumpable();
}

int run_front(int in_fd, int out_fd, int monitor_fd, const FrontSettings& settings,
              std::unique_ptr<TlsContext> prepared) {
    std::unique_ptr<TlsContext> tls;
    if (settings.relay_fd >= 0 && !stop_blocking(settings.relay_fd)) return 1;
    if (settings.tls_configured) {
        auto offer = receive_tls_offer(monitor_fd, settings.handshake_timeout, std::move(prepared));
        if (!offer) return 1;
        tls = std::move(*offer);
    }
    return Front(in_fd, out_fd, monitor_fd, settings, tls.get()).run();
}

}  // namespace pop3d::session
