#include "sessiond/session_end.h"

#include <gtest/gtest.h>

#include <string>

namespace pop3d::session {
namespace {

// The summary's `ended=` words are what log readers match: a change here is
// a change for them.
TEST(SessionEnd, EveryWayHasItsOwnFixedWord) {
    std::string words;
    for (int i = 0; i <= static_cast<int>(Ended::error); ++i) words += std::string(ended_name(static_cast<Ended>(i))) + " ";
    EXPECT_EQ(words,
              "quit disconnected autologout protocol-error too-slow login-timeout front-timeout front-gone bad-frame "
              "tls-failed too-many-attempts in-use maildrop-error error ");
}

TEST(SessionEnd, TheFrontsReasonsKeepTheirWords) {
    EXPECT_EQ(ended_by_front(EndReason::quit), Ended::quit);
    EXPECT_EQ(ended_by_front(EndReason::disconnected), Ended::disconnected);
    EXPECT_EQ(ended_by_front(EndReason::autologout), Ended::autologout);
    EXPECT_EQ(ended_by_front(EndReason::protocol_error), Ended::protocol_error);
}

}  // namespace
}  // namespace pop3d::session
