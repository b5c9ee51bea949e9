#include "common/pop3/login_replies.h"

#include <gtest/gtest.h>

#include "tests/support/memory_maildrop.h"

namespace pop3d::pop3 {
namespace {

// Clients and their users see these texts: they are pinned here.
TEST(LoginReplies, RefusalsCarryTheirResponseCodes) {
    EXPECT_EQ(refusal_reply(auth::Outcome::rejected), "-ERR [AUTH] authentication failed\r\n");
    EXPECT_EQ(refusal_reply(auth::Outcome::temporary), "-ERR [SYS/TEMP] temporary server failure, try again later\r\n");
    EXPECT_EQ(refusal_reply(auth::Outcome::permanent), "-ERR [SYS/PERM] the maildrop cannot be opened\r\n");
    // A login is no refusal: a driver that asks anyway gets no +OK.
    EXPECT_EQ(refusal_reply(auth::Outcome::accepted), "-ERR [SYS/PERM] unknown verdict\r\n");
}

TEST(LoginReplies, LoginCountsMessagesAndOctets) {
    test::MemoryMaildrop none({});
    EXPECT_EQ(login_reply("alice", none), "+OK alice's maildrop has 0 messages (0 octets)\r\n");
    test::MemoryMaildrop one({"a\n"});
    EXPECT_EQ(login_reply("alice", one), "+OK alice's maildrop has 1 message (3 octets)\r\n");
    test::MemoryMaildrop two({"a\n", "bc\n"});
    EXPECT_EQ(login_reply("bob", two), "+OK bob's maildrop has 2 messages (7 octets)\r\n");
}

TEST(LoginReplies, OpenFailuresSayInUseOnlyForALockedMaildrop) {
    EXPECT_EQ(open_failure_reply(ErrorKind::in_use), "-ERR [IN-USE] maildrop is in use by another session\r\n");
    EXPECT_EQ(open_failure_reply(ErrorKind::temporary), "-ERR [SYS/TEMP] cannot open the maildrop\r\n");
    EXPECT_EQ(open_failure_reply(ErrorKind::permanent), "-ERR [SYS/PERM] cannot open the maildrop\r\n");
}

}  // namespace
}  // namespace pop3d::pop3
