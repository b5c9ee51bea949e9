#include "common/pop3/login_replies.h"

#include <cstdint>

#include "common/pop3/replies.h"

namespace pop3d::pop3 {

std::string refusal_reply(auth::Outcome outcome) {
    switch (outcome) {
        case auth::Outcome::rejected: return err(ResponseCode::auth, "authentication failed");
        case auth::Outcome::temporary: return err(ResponseCode::sys_temp, "temporary server failure, try again later");
        case auth::Outcome::permanent: return err(ResponseCode::sys_perm, "the maildrop cannot be opened");
        case auth::Outcome::accepted: break;
    }
    return err(ResponseCode::sys_perm, "unknown verdict");
}

std::string login_reply(std::string_view user, const Maildrop& maildrop) {
    std::uint64_t octets = 0;
    for (std::size_t i = 0; i < maildrop.count(); ++i) octets += maildrop.octets(i);
    std::size_t n = maildrop.count();
    return ok(std::string(user) + "'s maildrop has " + std::to_string(n) + (n == 1 ? " message (" : " messages (") +
              std::to_string(octets) + " octets)");
}

std::string open_failure_reply(ErrorKind kind) {
    if (kind == ErrorKind::in_use) return err(ResponseCode::in_use, "maildrop is in use by another session");
    return err(response_code(kind), "cannot open the maildrop");
}

}  // namespace pop3d::pop3
