#include "common/pop3/authorization.h"

#include <utility>

#include "common/limits.h"
#include "common/pop3/capa.h"
#include "common/pop3/command.h"
#include "common/pop3/login_replies.h"
#include "common/pop3/replies.h"
#include "common/pop3/sasl_plain.h"

namespace pop3d::pop3 {
namespace {

AuthAction reply(std::string text) {
    AuthAction action;
    action.reply = std::move(text);
    return action;
}

AuthAction check(auth::Credentials request) {
    AuthAction action;
    action.kind = AuthAction::Kind::check_credentials;
    action.credentials = std::move(request);
    return action;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i] >= 'a' && a[i] <= 'z' ? static_cast<char>(a[i] - 32) : a[i];
        if (x != b[i]) return false;
    }
    return true;
}

const char* const tls_required = "TLS required: use STLS first";
// Without STLS to offer (no TLS here, or only on the POP3S port) the client
// is not sent to a command that would fail too.
const char* const tls_required_no_stls = "TLS required, and this port offers no STLS: plaintext logins are refused";

const char* tls_refusal(const AuthorizationOptions& options) {
    return options.tls_configured ? tls_required : tls_required_no_stls;
}

AuthAction closing() {
    AuthAction action = reply(err("the session is over"));
    action.kind = AuthAction::Kind::quit;
    return action;
}

}  // namespace

Authorization::Authorization(AuthorizationOptions options) : options_(std::move(options)) {}

AuthAction Authorization::on_line(std::string_view line) {
    switch (phase_) {
    case Phase::sasl_continuation:
        phase_ = Phase::ready;
        return sasl_response(line);
    case Phase::awaiting_verdict:
        return reply(err("a credential check is in progress"));
    case Phase::closed:
        return closing();
    case Phase::ready:
    case Phase::user_given:
        break;
    }
    return handle(line);
}

AuthAction Authorization::on_line_error(ReadLine::Kind kind) {
    if (phase_ == Phase::closed) return closing();
    if (phase_ == Phase::awaiting_verdict) return reply(err("unexpected input"));
    bool in_sasl = phase_ == Phase::sasl_continuation;
    phase_ = Phase::ready;
    user_.clear();
    if (in_sasl) return reply(err("invalid SASL response, authentication cancelled"));
    return reply(err(kind == ReadLine::Kind::too_long ? "command line too long"
                                                      : "invalid character in command"));
}

AuthAction Authorization::on_refusal(auth::Outcome outcome) {
    if (phase_ != Phase::awaiting_verdict) return reply(err("no credential check in progress"));
    phase_ = Phase::ready;
    return reply(refusal_reply(outcome));
}

void Authorization::tls_started() {
    options_.tls_active = true;
    if (phase_ == Phase::closed) return;
    phase_ = Phase::ready;
    user_.clear();
}

std::size_t Authorization::line_limit() const {
    return phase_ == Phase::sasl_continuation ? limits::sasl_response_line : limits::command_line;
}

bool Authorization::credentials_allowed() const {
    return !options_.require_tls || options_.tls_active;
}

AuthAction Authorization::handle(std::string_view line) {
    // PASS is accepted only directly after USER: any other line forgets it.
    bool user_given = phase_ == Phase::user_given;
    std::string user = std::move(user_);
    user_.clear();
    phase_ = Phase::ready;

    auto parsed = parse_command(line);
    if (!parsed) return reply(err(parsed.error().message));
    Command& command = *parsed;
    switch (command.verb) {
    case Verb::capa:
        return reply(capa_reply({true, options_.tls_configured && !credentials_begun_, options_.tls_active,
                                 options_.require_tls}));
    case Verb::quit: {
        AuthAction action = reply(ok("signing off"));
        action.kind = AuthAction::Kind::quit;
        phase_ = Phase::closed;
        return action;
    }
    case Verb::stls: {
        if (!options_.tls_configured) return reply(err("TLS is not available"));
        if (options_.tls_active) return reply(err("TLS is already active"));
        if (credentials_begun_) return reply(err("STLS must come before USER, APOP or AUTH"));
        AuthAction action = reply(ok("Begin TLS negotiation"));
        action.kind = AuthAction::Kind::start_tls;
        return action;
    }
    case Verb::rpop:
        return reply(err("RPOP is not supported (removed by RFC 1460)"));
    case Verb::user:
        if (!credentials_allowed()) return reply(err(ResponseCode::auth, tls_refusal(options_)));
        user_ = std::move(command.name);
        phase_ = Phase::user_given;
        credentials_begun_ = true;
        return reply(ok("send PASS"));
    case Verb::pass: {
        if (!user_given) return reply(err("PASS must directly follow USER"));
        auth::Credentials request;
        request.mechanism = auth::Mechanism::user_pass;
        request.user = std::move(user);
        request.password = std::move(command.secret);
        phase_ = Phase::awaiting_verdict;
        return check(std::move(request));
    }
    case Verb::apop: {
        if (options_.apop_timestamp.empty()) return reply(err("APOP is not available"));
        if (!credentials_allowed()) return reply(err(ResponseCode::auth, tls_refusal(options_)));
        auth::Credentials request;
        request.mechanism = auth::Mechanism::apop;
        request.user = std::move(command.name);
        request.digest = std::move(command.digest);
        phase_ = Phase::awaiting_verdict;
        credentials_begun_ = true;
        return check(std::move(request));
    }
    case Verb::auth:
        if (!credentials_allowed()) return reply(err(ResponseCode::auth, tls_refusal(options_)));
        if (command.name.empty()) return reply(ok("SASL mechanisms follow") + "PLAIN\r\n.\r\n");
        if (!iequals(command.name, "PLAIN")) return reply(err("unsupported SASL mechanism"));
        credentials_begun_ = true;
        if (command.has_initial_response) return plain_credentials(command.secret.view());
        phase_ = Phase::sasl_continuation;
        return reply("+ \r\n");
    case Verb::stat: case Verb::list: case Verb::retr: case Verb::dele: case Verb::noop:
    case Verb::rset: case Verb::top: case Verb::uidl: case Verb::last:
        return reply(err("command not valid before login"));
    }
    return reply(err("unknown command"));
}

AuthAction Authorization::sasl_response(std::string_view line) {
    if (line == "*") return reply(err("authentication cancelled"));
    return plain_credentials(line);
}

AuthAction Authorization::plain_credentials(std::string_view base64) {
    auto decoded = decode_sasl_plain(base64);
    if (!decoded) return reply(err(decoded.error().message));
    auth::Credentials request;
    request.mechanism = auth::Mechanism::auth_plain;
    request.user = std::move(decoded->authcid);
    request.authzid = std::move(decoded->authzid);
    request.password = std::move(decoded->password);
    phase_ = Phase::awaiting_verdict;
    return check(std::move(request));
}

}  // namespace pop3d::pop3
