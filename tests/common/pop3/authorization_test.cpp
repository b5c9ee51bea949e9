#include "common/pop3/authorization.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>
#include <vector>

#include "common/limits.h"

namespace pop3d::pop3 {
namespace {

using Kind = AuthAction::Kind;
using Mechanism = auth::Mechanism;
using Outcome = auth::Outcome;

const char* const timestamp = "<1896.697170952@dbc.mtview.ca.us>";

AuthorizationOptions plain_options() {
    AuthorizationOptions o;
    o.apop_timestamp = timestamp;
    return o;
}

bool starts(const std::string& reply, std::string_view prefix) {
    return reply.compare(0, prefix.size(), prefix) == 0;
}

TEST(Authorization, UserPassAsksForCredentials) {
    Authorization auth(plain_options());
    AuthAction user = auth.on_line("USER alice");
    EXPECT_EQ(user.kind, Kind::reply);
    EXPECT_TRUE(starts(user.reply, "+OK"));
    AuthAction pass = auth.on_line("PASS open sesame");
    ASSERT_EQ(pass.kind, Kind::check_credentials);
    EXPECT_TRUE(pass.reply.empty());
    EXPECT_TRUE(auth.awaiting_verdict());
    EXPECT_EQ(pass.credentials.mechanism, Mechanism::user_pass);
    EXPECT_EQ(pass.credentials.user, "alice");
    EXPECT_EQ(pass.credentials.password.view(), "open sesame");
    // Until the outcome comes back, nothing else is answered but with -ERR.
    EXPECT_TRUE(starts(auth.on_line("STAT").reply, "-ERR"));
}

TEST(Authorization, PassOnlyDirectlyAfterUser) {
    Authorization auth(plain_options());
    EXPECT_EQ(auth.on_line("PASS x").kind, Kind::reply);
    EXPECT_TRUE(starts(auth.on_line("PASS x").reply, "-ERR"));
    auth.on_line("USER alice");
    auth.on_line("NOOP");  // anything in between forgets the USER
    EXPECT_TRUE(starts(auth.on_line("PASS x").reply, "-ERR"));
    auth.on_line("USER alice");
    auth.on_line("CAPA");
    EXPECT_TRUE(starts(auth.on_line("PASS x").reply, "-ERR"));
    auth.on_line("USER alice");
    auth.on_line("LIST 4294967297");
    EXPECT_TRUE(starts(auth.on_line("PASS x").reply, "-ERR"));
    auth.on_line("USER alice");
    EXPECT_TRUE(starts(auth.on_line_error(ReadLine::Kind::too_long).reply, "-ERR"));
    EXPECT_TRUE(starts(auth.on_line("PASS x").reply, "-ERR"));
    auth.on_line("USER alice");
    auth.on_line("USER bob");  // a second USER replaces the first
    AuthAction pass = auth.on_line("PASS x");
    ASSERT_EQ(pass.kind, Kind::check_credentials);
    EXPECT_EQ(pass.credentials.user, "bob");
}

TEST(Authorization, FailedLoginsLookAlikeAndCodesFollowTheVerdict) {
    struct Case {
        Outcome outcome;
        std::string reply;
    };
    for (const Case& c : {Case{Outcome::rejected, "-ERR [AUTH] "},
                          Case{Outcome::temporary, "-ERR [SYS/TEMP] "},
                          Case{Outcome::permanent, "-ERR [SYS/PERM] "},
                          // A login is the session's to answer, never the engine's.
                          Case{Outcome::accepted, "-ERR [SYS/PERM] "}}) {
        Authorization auth(plain_options());
        auth.on_line("USER nobody");
        ASSERT_EQ(auth.on_line("PASS x").kind, Kind::check_credentials);
        AuthAction a = auth.on_refusal(c.outcome);
        EXPECT_EQ(a.kind, Kind::reply);
        EXPECT_TRUE(starts(a.reply, c.reply)) << a.reply;
        EXPECT_FALSE(auth.awaiting_verdict());
        // The client may try again.
        auth.on_line("USER alice");
        EXPECT_EQ(auth.on_line("PASS y").kind, Kind::check_credentials);
    }
    // Unknown user and wrong password: the machine cannot tell them apart,
    // so one verdict gives one reply.
    Authorization a1(plain_options()), a2(plain_options());
    a1.on_line("USER nosuchuser");
    a1.on_line("PASS x");
    a2.on_line("USER alice");
    a2.on_line("PASS wrong");
    EXPECT_EQ(a1.on_refusal(Outcome::rejected).reply, a2.on_refusal(Outcome::rejected).reply);
}

TEST(Authorization, Apop) {
    Authorization auth(plain_options());
    AuthAction a = auth.on_line("APOP mrose c4c9334bac560ecc979e58001b3e22fb");
    ASSERT_EQ(a.kind, Kind::check_credentials);
    EXPECT_EQ(a.credentials.mechanism, Mechanism::apop);
    EXPECT_EQ(a.credentials.user, "mrose");
    EXPECT_EQ(a.credentials.digest, "c4c9334bac560ecc979e58001b3e22fb");
}

TEST(Authorization, ApopDisabledWithoutTimestamp) {
    Authorization auth(AuthorizationOptions{});
    AuthAction a = auth.on_line("APOP mrose c4c9334bac560ecc979e58001b3e22fb");
    EXPECT_EQ(a.kind, Kind::reply);
    EXPECT_TRUE(starts(a.reply, "-ERR"));
}

TEST(Authorization, AuthWithoutArgumentListsMechanisms) {
    Authorization auth(plain_options());
    EXPECT_EQ(auth.on_line("AUTH").reply, "+OK SASL mechanisms follow\r\nPLAIN\r\n.\r\n");
    EXPECT_TRUE(starts(auth.on_line("AUTH CRAM-MD5").reply, "-ERR"));
}

TEST(Authorization, AuthPlainInitialResponse) {
    Authorization auth(plain_options());
    AuthAction a = auth.on_line("AUTH plain AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
    ASSERT_EQ(a.kind, Kind::check_credentials);
    EXPECT_EQ(a.credentials.mechanism, Mechanism::auth_plain);
    EXPECT_EQ(a.credentials.user, "tim");
    EXPECT_EQ(a.credentials.authzid, "");
    EXPECT_EQ(a.credentials.password.view(), "tanstaaftanstaaf");
    EXPECT_TRUE(starts(auth.on_refusal(Outcome::rejected).reply, "-ERR [AUTH]"));
}

TEST(Authorization, AuthPlainContinuation) {
    Authorization auth(plain_options());
    EXPECT_EQ(auth.on_line("AUTH PLAIN").reply, "+ \r\n");
    AuthAction a = auth.on_line("AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
    ASSERT_EQ(a.kind, Kind::check_credentials);
    EXPECT_EQ(a.credentials.user, "tim");
}

// RFC 5034 section 4: the response after "+ " may exceed the 255-octet
// command limit (a long user name and password in PLAIN); the driver reads
// it with line_limit().
TEST(Authorization, AuthPlainLongContinuation) {
    std::string user(200, 'u'), password(255, 'p');
    std::string message = std::string(1, '\0') + user + '\0' + password;
    std::string response(sodium_base64_ENCODED_LEN(message.size(), sodium_base64_VARIANT_ORIGINAL),
                         '\0');
    sodium_bin2base64(response.data(), response.size(),
                      reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    response.resize(response.size() - 1);
    ASSERT_GT(response.size() + 2, limits::command_line);

    Authorization auth(plain_options());
    CommandReader reader;
    reader.feed("AUTH PLAIN\r\n" + response + "\r\n" + response + "\r\n");
    EXPECT_EQ(auth.line_limit(), limits::command_line);
    auto line = reader.next(auth.line_limit());
    ASSERT_TRUE(line && line->kind == ReadLine::Kind::command);
    EXPECT_EQ(auth.on_line(line->text).reply, "+ \r\n");
    EXPECT_EQ(auth.line_limit(), limits::sasl_response_line);
    line = reader.next(auth.line_limit());
    ASSERT_TRUE(line);
    ASSERT_EQ(line->kind, ReadLine::Kind::command);
    AuthAction check = auth.on_line(line->text);
    ASSERT_EQ(check.kind, Kind::check_credentials) << check.reply;
    EXPECT_EQ(check.credentials.user, user);
    EXPECT_EQ(check.credentials.password.view(), password);
    auth.on_refusal(Outcome::rejected);
    // Outside an AUTH exchange the same line is an over-long command.
    EXPECT_EQ(auth.line_limit(), limits::command_line);
    line = reader.next(auth.line_limit());
    ASSERT_TRUE(line);
    EXPECT_EQ(line->kind, ReadLine::Kind::too_long);
}

TEST(Authorization, AuthPlainStarCancels) {
    Authorization auth(plain_options());
    auth.on_line("AUTH PLAIN");
    AuthAction a = auth.on_line("*");
    EXPECT_EQ(a.kind, Kind::reply);
    EXPECT_TRUE(starts(a.reply, "-ERR"));
    // Back to commands: QUIT is a command again, not a SASL response.
    EXPECT_EQ(auth.on_line("QUIT").kind, Kind::quit);
}

TEST(Authorization, AuthPlainBadInput) {
    for (const char* line : {"AUTH PLAIN !!!!", "AUTH PLAIN =",
                             "AUTH PLAIN VXJzZWwAS3VydAB4aXBqM3BsbXE=" /* authzid Ursel */}) {
        Authorization auth(plain_options());
        AuthAction a = auth.on_line(line);
        EXPECT_EQ(a.kind, Kind::reply) << line;
        EXPECT_TRUE(starts(a.reply, "-ERR")) << line;
        EXPECT_FALSE(auth.awaiting_verdict());
    }
    Authorization auth(plain_options());
    auth.on_line("AUTH PLAIN");
    EXPECT_TRUE(starts(auth.on_line("QUIT").reply, "-ERR"));  // not base64: refused
    auth.on_line("AUTH PLAIN");
    EXPECT_TRUE(starts(auth.on_line_error(ReadLine::Kind::too_long).reply, "-ERR"));
    EXPECT_EQ(auth.on_line("QUIT").kind, Kind::quit);
}

TEST(Authorization, StlsNotConfigured) {
    Authorization auth(plain_options());
    AuthAction a = auth.on_line("STLS");
    EXPECT_EQ(a.kind, Kind::reply);
    EXPECT_TRUE(starts(a.reply, "-ERR"));
}

TEST(Authorization, StlsConfiguredStartsTlsOnce) {
    AuthorizationOptions o = plain_options();
    o.tls_configured = true;
    Authorization auth(o);
    AuthAction a = auth.on_line("STLS");
    EXPECT_EQ(a.kind, Kind::start_tls);
    EXPECT_TRUE(starts(a.reply, "+OK"));
    auth.tls_started();
    EXPECT_TRUE(starts(auth.on_line("STLS").reply, "-ERR"));
    EXPECT_EQ(auth.on_line("CAPA").reply.find("STLS"), std::string::npos);
    auth.on_line("USER alice");
    EXPECT_EQ(auth.on_line("PASS x").kind, Kind::check_credentials);
}

// STLS comes before USER, APOP or AUTH (RFC 2595 section 4): once the
// machine has taken a name or an exchange, STLS is -ERR and CAPA no longer
// announces it, even after a refusal or a cancelled exchange. A listing of
// the mechanisms, an unknown one, or a USER refused for want of TLS take
// nothing, and STLS stays open.
TEST(Authorization, StlsOnlyBeforeUserApopOrAuth) {
    AuthorizationOptions o = plain_options();
    o.tls_configured = true;
    o.apop_timestamp = "<1.2@host>";
    const std::vector<std::vector<std::string>> openings = {
        {"USER alice"},
        {"USER alice", "PASS x", "<refusal>"},
        {"AUTH PLAIN", "*"},
        {"AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm", "<refusal>"},
        {"APOP alice c4c9334bac560ecc979e58001b3e22fb", "<refusal>"},
    };
    for (const auto& opening : openings) {
        Authorization auth(o);
        for (const std::string& line : opening) {
            if (line == "<refusal>")
                auth.on_refusal(auth::Outcome::rejected);
            else
                auth.on_line(line);
        }
        AuthAction a = auth.on_line("STLS");
        EXPECT_EQ(a.kind, Kind::reply) << opening.front();
        EXPECT_TRUE(starts(a.reply, "-ERR")) << opening.front();
        EXPECT_EQ(auth.on_line("CAPA").reply.find("STLS"), std::string::npos) << opening.front();
    }
    for (const char* harmless : {"AUTH", "AUTH X-UNKNOWN", "NOOP", "CAPA", "PASS x"}) {
        Authorization auth(o);
        auth.on_line(harmless);
        EXPECT_NE(auth.on_line("CAPA").reply.find("STLS"), std::string::npos) << harmless;
        EXPECT_EQ(auth.on_line("STLS").kind, Kind::start_tls) << harmless;
    }
    o.require_tls = true;
    Authorization refused(o);
    EXPECT_TRUE(starts(refused.on_line("USER alice").reply, "-ERR [AUTH]"));
    EXPECT_EQ(refused.on_line("STLS").kind, Kind::start_tls);
}

TEST(Authorization, RequiredTlsRefusesCredentialsUntilActive) {
    AuthorizationOptions o = plain_options();
    o.tls_configured = true;
    o.require_tls = true;
    Authorization auth(o);
    for (const char* line : {"USER alice", "APOP a c4c9334bac560ecc979e58001b3e22fb",
                             "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm", "AUTH"}) {
        AuthAction a = auth.on_line(line);
        EXPECT_EQ(a.kind, Kind::reply) << line;
        EXPECT_TRUE(starts(a.reply, "-ERR")) << line;
    }
    EXPECT_EQ(auth.on_line("CAPA").reply.find("USER"), std::string::npos);
    ASSERT_EQ(auth.on_line("STLS").kind, Kind::start_tls);
    auth.tls_started();
    auth.on_line("USER alice");
    EXPECT_EQ(auth.on_line("PASS x").kind, Kind::check_credentials);
}

// Where plaintext is refused and there is no STLS to offer, the refusal
// does not send the client to STLS (which would answer "not available").
TEST(Authorization, RequiredTlsWithoutStlsDoesNotPointToStls) {
    AuthorizationOptions o = plain_options();
    o.require_tls = true;
    Authorization auth(o);
    std::string refusal = auth.on_line("USER alice").reply;
    EXPECT_TRUE(starts(refusal, "-ERR [AUTH]")) << refusal;
    EXPECT_EQ(refusal.find("use STLS"), std::string::npos) << refusal;
    EXPECT_TRUE(starts(auth.on_line("STLS").reply, "-ERR")) << "no STLS here";
    o.tls_configured = true;
    Authorization with_stls(o);
    EXPECT_NE(with_stls.on_line("USER alice").reply.find("use STLS"), std::string::npos);
}

TEST(Authorization, ImplicitTlsNeedsNoStls) {
    AuthorizationOptions o = plain_options();
    o.tls_configured = true;
    o.tls_active = true;
    o.require_tls = true;
    Authorization auth(o);
    EXPECT_TRUE(starts(auth.on_line("STLS").reply, "-ERR"));
    EXPECT_EQ(auth.on_line("AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm").kind,
              Kind::check_credentials);
}

TEST(Authorization, QuitEndsWithoutUpdate) {
    Authorization auth(plain_options());
    AuthAction a = auth.on_line("quit");
    EXPECT_EQ(a.kind, Kind::quit);
    EXPECT_TRUE(starts(a.reply, "+OK"));
}

// After QUIT the connection is closing: nothing more may start a login,
// whatever a driver still hands over (pipelined lines behind QUIT).
TEST(Authorization, NothingIsAcceptedAfterQuit) {
    AuthorizationOptions options = plain_options();
    options.tls_configured = true;
    Authorization auth(options);
    ASSERT_EQ(auth.on_line("QUIT").kind, Kind::quit);
    for (const char* line : {"USER alice", "PASS x", "APOP mrose c4c9334bac560ecc979e58001b3e22fb",
                             "AUTH PLAIN AGFsaWNlAHNlY3JldA==", "STLS", "CAPA", "QUIT"}) {
        AuthAction after = auth.on_line(line);
        EXPECT_EQ(after.kind, Kind::quit) << line;
        EXPECT_TRUE(starts(after.reply, "-ERR")) << line;
    }
    EXPECT_EQ(auth.on_line_error(ReadLine::Kind::too_long).kind, Kind::quit);
    auth.tls_started();
    EXPECT_EQ(auth.on_line("USER alice").kind, Kind::quit);
    EXPECT_FALSE(auth.awaiting_verdict());
}

TEST(Authorization, RpopIsRefused) {
    Authorization auth(plain_options());
    auth.on_line("USER alice");
    AuthAction a = auth.on_line("RPOP alice");
    EXPECT_EQ(a.kind, Kind::reply);
    EXPECT_TRUE(starts(a.reply, "-ERR"));
    EXPECT_TRUE(starts(auth.on_line("PASS x").reply, "-ERR"));
}

TEST(Authorization, TransactionCommandsAreRefused) {
    Authorization auth(plain_options());
    for (const char* line : {"STAT", "LIST", "LIST 1", "RETR 1", "DELE 1", "NOOP", "RSET",
                             "TOP 1 1", "UIDL", "UIDL 1", "LAST"}) {
        AuthAction a = auth.on_line(line);
        EXPECT_EQ(a.kind, Kind::reply) << line;
        EXPECT_TRUE(starts(a.reply, "-ERR")) << line;
    }
}

TEST(Authorization, CapaMatchesTheState) {
    Authorization auth(plain_options());
    std::string capa = auth.on_line("CAPA").reply;
    EXPECT_NE(capa.find("\r\nUSER\r\n"), std::string::npos);
    EXPECT_NE(capa.find("\r\nSASL PLAIN\r\n"), std::string::npos);
    EXPECT_EQ(capa.find("STLS"), std::string::npos);
}

TEST(Authorization, LineErrorsAndSyntaxErrors) {
    Authorization auth(plain_options());
    EXPECT_TRUE(starts(auth.on_line_error(ReadLine::Kind::too_long).reply, "-ERR"));
    EXPECT_TRUE(starts(auth.on_line_error(ReadLine::Kind::bad_byte).reply, "-ERR"));
    EXPECT_TRUE(starts(auth.on_line("").reply, "-ERR"));
    EXPECT_TRUE(starts(auth.on_line("HELO x").reply, "-ERR"));
    EXPECT_TRUE(starts(auth.on_line("USER").reply, "-ERR"));
}

TEST(Authorization, RefusalOnlyWhenAsked) {
    Authorization auth(plain_options());
    EXPECT_EQ(auth.on_refusal(Outcome::rejected).reply, "-ERR no credential check in progress\r\n");
    auth.on_line("USER alice");
    auth.on_line("PASS x");
    EXPECT_TRUE(starts(auth.on_line("NOOP").reply, "-ERR"));  // a driver bug, refused
    EXPECT_TRUE(auth.awaiting_verdict());
    EXPECT_TRUE(starts(auth.on_refusal(Outcome::rejected).reply, "-ERR [AUTH] "));
    EXPECT_FALSE(auth.awaiting_verdict());
}

TEST(Authorization, RepliesFitInALine) {
    Authorization auth(plain_options());
    for (const char* line : {"USER alice", "PASS x", "QUIT"}) {
        AuthAction a = auth.on_line(line);
        EXPECT_LE(a.reply.size(), limits::reply_line);
        if (a.kind == Kind::check_credentials) {
            EXPECT_LE(auth.on_refusal(Outcome::temporary).reply.size(), limits::reply_line);
        }
    }
}

}  // namespace
}  // namespace pop3d::pop3
