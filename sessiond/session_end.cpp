#include "sessiond/session_end.h"

namespace pop3d::session {

const char* ended_name(Ended how) {
    switch (how) {
        case Ended::quit: return "quit";
        case Ended::disconnected: return "disconnected";
        case Ended::autologout: return "autologout";
        case Ended::protocol_error: return "protocol-error";
        case Ended::too_slow: return "too-slow";
        case Ended::login_timeout: return "login-timeout";
        case Ended::front_timeout: return "front-timeout";
        case Ended::front_gone: return "front-gone";
        case Ended::bad_frame: return "bad-frame";
        case Ended::tls_failed: return "tls-failed";
        case Ended::too_many_attempts: return "too-many-attempts";
        case Ended::in_use: return "in-use";
        case Ended::maildrop_error: return "maildrop-error";
        case Ended::error: return "error";
    }
    return "error";
}

Ended ended_by_front(EndReason reason) {
    switch (reason) {
        case EndReason::quit: return Ended::quit;
        case EndReason::disconnected: return Ended::disconnected;
        case EndReason::autologout: return Ended::autologout;
        case EndReason::protocol_error: return Ended::protocol_error;
    }
    return Ended::bad_frame;
}

}  // namespace pop3d::session
