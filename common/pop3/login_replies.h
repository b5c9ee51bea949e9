// The replies that end a credential attempt, written here and nowhere else.
// Privilege separation splits who sends them: the front answers a refusal
// (through the engine, common/pop3/authorization.h); a login is answered by
// the session once it has opened the maildrop as its owner, so the +OK of a
// login and the [IN-USE] of a locked maildrop come from there.
#pragma once

#include <string>
#include <string_view>

#include "common/auth/attempt.h"
#include "common/maildrop.h"
#include "common/result.h"

namespace pop3d::pop3 {

// A credential check that did not log in: [AUTH] for rejected (the same for
// a wrong password and an unknown user), [SYS/TEMP], [SYS/PERM]. An accepted
// outcome is no refusal (login_reply answers it): it gets [SYS/PERM].
std::string refusal_reply(auth::Outcome outcome);

// The +OK of a login: the maildrop is open and locked.
std::string login_reply(std::string_view user, const Maildrop& maildrop);

// The maildrop could not be opened after the credentials were accepted:
// [IN-USE] for ErrorKind::in_use (another session holds it), else the
// response code of the kind (response_code()).
std::string open_failure_reply(ErrorKind kind);

}  // namespace pop3d::pop3
