#include "sessiond/session_end.h"

#include <iterator>

namespace pop3d::session {
namespace {

// In the order of the enum; the last is Ended::error.
constexpr const char* words[] = {
    "quit", "disconnected", "autologout", "protocol-error", "too-slow",                               // the client
    "login-timeout", "front-timeout", "front-gone", "bad-frame", "tls-failed", "too-many-attempts",  // the monitor
    "in-use", "maildrop-error",                                                                       // after login
    "error",
};
static_assert(std::size(words) == static_cast<std::size_t>(Ended::error) + 1, "a word for every way");

}  // namespace

const char* ended_name(Ended how) {
    const auto i = static_cast<std::size_t>(how);
    return i < std::size(words) ? words[i] : "error";
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
