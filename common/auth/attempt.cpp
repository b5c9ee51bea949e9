#include "common/auth/attempt.h"

namespace pop3d::auth {

bool is_mechanism(std::uint8_t value) {
    return value >= static_cast<std::uint8_t>(Mechanism::user_pass) &&
           value <= static_cast<std::uint8_t>(Mechanism::apop);
}

const char* mechanism_name(Mechanism m) {
    switch (m) {
        case Mechanism::user_pass: return "USER/PASS";
        case Mechanism::auth_plain: return "AUTH PLAIN";
        case Mechanism::apop: return "APOP";
    }
    return "unknown";
}

bool is_outcome(std::uint8_t value) { return value <= static_cast<std::uint8_t>(Outcome::permanent); }

}  // namespace pop3d::auth
