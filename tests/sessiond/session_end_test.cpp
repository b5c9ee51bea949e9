#include "sessiond/session_end.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace pop3d::session {
namespace {

// The summary's `ended=` words are what log readers match: a change here is
// a change for them.
TEST(SessionEnd, EveryWayHasItsOwnFixedWord) {
    const std::pair<Ended, const char*> words[] = {
        {Ended::quit, "quit"},
        {Ended::disconnected, "disconnected"},
        {Ended::autologout, "autologout"},
        {Ended::protocol_error, "protocol-error"},
        {Ended::too_slow, "too-slow"},
        {Ended::login_timeout, "login-timeout"},
        {Ended::front_timeout, "front-timeout"},
        {Ended::front_gone, "front-gone"},
        {Ended::bad_frame, "bad-frame"},
        {Ended::tls_failed, "tls-failed"},
        {Ended::too_many_attempts, "too-many-attempts"},
        {Ended::in_use, "in-use"},
        {Ended::maildrop_error, "maildrop-error"},
        {Ended::error, "error"},
    };
    std::set<std::string> seen;
    for (const auto& [how, word] : words) {
        EXPECT_STREQ(ended_name(how), word);
        seen.insert(word);
    }
    EXPECT_EQ(seen.size(), std::size(words));
}

TEST(SessionEnd, TheFrontsReasonsKeepTheirWords) {
    EXPECT_EQ(ended_by_front(EndReason::quit), Ended::quit);
    EXPECT_EQ(ended_by_front(EndReason::disconnected), Ended::disconnected);
    EXPECT_EQ(ended_by_front(EndReason::autologout), Ended::autologout);
    EXPECT_EQ(ended_by_front(EndReason::protocol_error), Ended::protocol_error);
}

}  // namespace
}  // namespace pop3d::session
