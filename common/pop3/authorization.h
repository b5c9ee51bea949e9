// The AUTHORIZATION state (RFC 1939 section 4, RFC 5034, RFC 2595) as a
// state machine. It takes the client's lines and yields actions; it never
// sees a password database: a credential check leaves the machine as a
// CredentialRequest and comes back through on_verdict().
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
//         check_credentials -> ask the monitor; action = auth.on_verdict(v)
//                              (send its reply; logged_in -> hand over)
//         start_tls -> flush, reader.discard(), handshake, auth.tls_started()
//         quit -> flush and close (no UPDATE)
// Replies may be gathered and flushed once the reader has no complete line.
#pragma once

#include <string>
#include <string_view>

#include "common/pop3/command_reader.h"
#include "common/secret.h"

namespace pop3d::pop3 {

struct AuthorizationOptions {
    // The greeting's APOP timestamp (make_apop_timestamp); empty disables APOP.
    std::string apop_timestamp;
    bool tls_configured = false;  // STLS is offered
    bool tls_active = false;      // implicit TLS (port 995): already on
    bool require_tls = false;     // no credentials until TLS is active
};

struct CredentialRequest {
    enum class Method { user_pass, apop, sasl_plain };
    Method method = Method::user_pass;
    std::string user;      // USER name, APOP name, or the SASL authcid
    std::string authzid;   // sasl_plain: empty or equal to user
    Secret password;       // user_pass, sasl_plain
    std::string digest;    // apop: as the client sent it
    std::string challenge; // apop: the greeting's timestamp
};

// The answer to a CredentialRequest, after the maildrop was opened.
enum class Verdict {
    accepted,   // logged in, the maildrop is open
    rejected,   // unknown user or wrong password: the same reply for both
    in_use,     // -ERR [IN-USE]
    temporary,  // -ERR [SYS/TEMP]
    permanent,  // -ERR [SYS/PERM]
};

struct AuthAction {
    enum class Kind {
        reply,              // send `reply`; stay in AUTHORIZATION
        check_credentials,  // check `credentials`, then call on_verdict()
        start_tls,          // send `reply` ("+OK"), then the TLS handshake
        quit,               // send `reply`, close; no UPDATE. After QUIT every
                            // further call yields quit again with an -ERR.
        logged_in,          // send `reply`; TRANSACTION state begins
    };
    Kind kind = Kind::reply;
    std::string reply;              // empty only for check_credentials
    CredentialRequest credentials;  // check_credentials only
};

class Authorization {
public:
    explicit Authorization(AuthorizationOptions options);

    // One complete line from the CommandReader. Must not be called while a
    // CredentialRequest is outstanding.
    AuthAction on_line(std::string_view line);
    // A line the reader refused: -ERR, and any AUTH exchange in progress is
    // cancelled; a pending USER is forgotten.
    AuthAction on_line_error(ReadLine::Kind kind);
    // The outcome of the last check_credentials action.
    AuthAction on_verdict(Verdict verdict);
    // After a successful TLS handshake: the client starts afresh (RFC 2595
    // section 4) and STLS is no longer offered.
    void tls_started();

    // The longest line (CRLF included) to ask the CommandReader for next:
    // limits::sasl_response_line while an AUTH response is expected (RFC
    // 5034 section 4 lifts the command line limit for it), else
    // limits::command_line.
    std::size_t line_limit() const;

    // Whether the machine is waiting for on_verdict().
    bool awaiting_verdict() const { return phase_ == Phase::awaiting_verdict; }

private:
    enum class Phase { ready, user_given, sasl_continuation, awaiting_verdict, done, closed };

    AuthAction handle(std::string_view line);
    AuthAction sasl_response(std::string_view line);
    AuthAction plain_credentials(std::string_view base64);
    bool credentials_allowed() const;

    AuthorizationOptions options_;
    Phase phase_ = Phase::ready;
    std::string user_;  // the name of an accepted USER, while user_given
};

}  // namespace pop3d::pop3
