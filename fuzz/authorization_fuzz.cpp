// The AUTHORIZATION state machine driven by arbitrary client bytes and
// arbitrary outcomes: no crash, every reply CRLF-terminated and within the
// reply limit, never a credential check while TLS is required and off, and
// every refusal an -ERR that lets the client try again.
#include <cstdlib>
#include <string>

#include "common/limits.h"
#include "common/pop3/authorization.h"
#include "common/pop3/command_reader.h"
#include "fuzz/fuzz_input.h"

using namespace pop3d;
using namespace pop3d::pop3;

namespace {

void check_reply(const std::string& reply) {
    if (reply.size() < 2 || reply.compare(reply.size() - 2, 2, "\r\n") != 0) std::abort();
    std::size_t at = 0;
    while (at < reply.size()) {
        std::size_t end = reply.find("\r\n", at);
        if (end == std::string::npos || end + 2 - at > limits::reply_line) std::abort();
        at = end + 2;
    }
    if (reply[0] != '+' && reply[0] != '-') std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Input input(data, size);
    std::uint8_t flags = input.byte();
    AuthorizationOptions options;
    if (flags & 1) options.apop_timestamp = "<1.2.3@fuzz.example>";
    options.tls_configured = flags & 2;
    options.tls_active = options.tls_configured && (flags & 4);
    options.require_tls = options.tls_configured && (flags & 8);
    std::size_t piece = input.byte() % 32 + 1;
    bool tls_on = options.tls_active;

    Authorization auth(options);
    CommandReader reader;
    while (!input.empty()) {
        reader.feed(input.take(piece));
        while (auto line = reader.next(auth.line_limit())) {
            AuthAction action = line->kind == ReadLine::Kind::command
                                    ? auth.on_line(line->text)
                                    : auth.on_line_error(line->kind);
            if (action.kind == AuthAction::Kind::check_credentials) {
                if (!action.reply.empty()) std::abort();
                if (options.require_tls && !tls_on) std::abort();
                if (action.credentials.user.empty()) std::abort();
                auto outcome = static_cast<auth::Outcome>(input.byte() % 4);
                action = auth.on_refusal(outcome);
                if (action.kind != AuthAction::Kind::reply || action.reply[0] != '-' || auth.awaiting_verdict())
                    std::abort();
            }
            check_reply(action.reply);
            switch (action.kind) {
            case AuthAction::Kind::quit:
                return 0;
            case AuthAction::Kind::start_tls:
                if (!options.tls_configured || tls_on) std::abort();
                reader.discard();
                auth.tls_started();
                tls_on = true;
                break;
            case AuthAction::Kind::reply:
            case AuthAction::Kind::check_credentials:
                break;
            }
        }
    }
    return 0;
}
