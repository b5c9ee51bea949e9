// The AUTHORIZATION state (RFC 1939 section 4, RFC 5034, RFC 2595) as a
// state machine. It takes the client's lines and yields actions; it never
// sees a password database: a credential check leaves the machine as
// auth::Credentials, and a refusal comes back through on_refusal(). A login
// never comes back: the front hands the connection over, and the session
// answers it (login_replies.h).
//
// It takes raw lines rather than parsed commands because an AUTH PLAIN
// continuation ("+ " then a base64 line, or "*") is not a command.
//
// Driver loop (the front):
//     send greeting_reply(text, timestamp)
//     for each reader.next(auth.line_limit()):
//         action = line.kind == command ? auth.on_line(line.text)
//                                       : auth.on_line_error(line.kind)
//         send action.reply
//         check_credentials -> ask the monitor; accepted: hand over;
//                              else send auth.on_refusal(outcome).reply
//         start_tls -> flush, reader.discard(), handshake, auth.tls_started()
//         quit -> flush and close (no UPDATE)
// Replies may be gathered and flushed once the reader has no complete line.
#pragma once

#include <string>
#include <string_view>

#include "common/auth/attempt.h"
#include "common/pop3/command_reader.h"

namespace pop3d::pop3 {

struct AuthorizationOptions {
    // The greeting's APOP timestamp (make_apop_timestamp); empty disables APOP.
    std::string apop_timestamp;
    bool tls_configured = false;  // STLS is offered
    bool tls_active = false;      // implicit TLS (port 995): already on
    bool require_tls = false;     // no credentials until TLS is active
};

struct AuthAction {
    enum class Kind {
        reply,              // send `reply`; stay in AUTHORIZATION
        check_credentials,  // check `credentials`; a refusal goes to on_refusal()
        start_tls,          // send `reply` ("+OK"), then the TLS handshake
        quit,               // send `reply`, close; no UPDATE. After QUIT every
                            // further call yields quit again with an -ERR.
    };
    Kind kind = Kind::reply;
    std::string reply;              // empty only for check_credentials
    auth::Credentials credentials;  // check_credentials only
};

class Authorization {
public:
    explicit Authorization(AuthorizationOptions options);

    // One complete line from the CommandReader. Must not be called while a
    // credential check is outstanding.
    AuthAction on_line(std::string_view line);
    // A line the reader refused: -ERR, and any AUTH exchange in progress is
    // cancelled; a pending USER is forgotten.
    AuthAction on_line_error(ReadLine::Kind kind);
    // The last check_credentials action did not log in (an outcome other
    // than accepted): its reply (refusal_reply), and the client may try
    // again.
    AuthAction on_refusal(auth::Outcome outcome);
    // After a successful TLS handshake: the client starts afresh (RFC 2595
    // section 4) and STLS is no longer offered. STLS is taken only before
    // the first USER, APOP or AUTH the machine accepted.
    void tls_started();

    // The longest line (CRLF included) to ask the CommandReader for next:
    // limits::sasl_response_line while an AUTH response is expected (RFC
    // 5034 section 4 lifts the command line limit for it), else
    // limits::command_line.
    std::size_t line_limit() const;

    // Whether the machine is waiting for the outcome of a credential check.
    bool awaiting_verdict() const { return phase_ == Phase::awaiting_verdict; }

private:
    enum class Phase { ready, user_given, sasl_continuation, awaiting_verdict, closed };

    AuthAction handle(std::string_view line);
    AuthAction sasl_response(std::string_view line);
    AuthAction plain_credentials(std::string_view base64);
    bool credentials_allowed() const;

    AuthorizationOptions options_;
    Phase phase_ = Phase::ready;
    // USER, APOP or AUTH has been taken: STLS is then refused and no longer
    // announced (RFC 2595 section 4 asks for STLS before authentication;
    // a client that sent a name in the clear has nothing left to protect).
    bool credentials_begun_ = false;
    std::string user_;  // the name of an accepted USER, while user_given
};

}  // namespace pop3d::pop3
