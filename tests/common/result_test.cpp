#include "common/result.h"

#include <gtest/gtest.h>

#include <type_traits>

#include "common/exit_status.h"
#include "common/pop3/replies.h"

namespace pop3d {
namespace {

// An error cannot be made without saying what kind it is: a forgotten kind
// is a compile error, not a client told its input was wrong.
static_assert(!std::is_default_constructible_v<Error>);
static_assert(!std::is_constructible_v<Error, std::string>);

TEST(Result, AStatusIsOkUntilGivenAnError) {
    Status fine;
    EXPECT_TRUE(fine.ok());
    Status failed = make_error(ErrorKind::temporary, "write: EIO");
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().kind, ErrorKind::temporary);
    EXPECT_EQ(failed.error().message, "write: EIO");
    fine = failed;
    EXPECT_FALSE(fine.ok());
}

// One kind, one meaning, one answer everywhere it is mapped: a system
// failure is [SYS/TEMP] to a client and "try again" (75) to an init system;
// bad input is a plain -ERR to a client and a configuration error (78) at
// start-up.
TEST(Result, EachKindMeansTheSameToAClientAndToAnAdministrator) {
    struct Case {
        ErrorKind kind;
        pop3::ResponseCode code;
        int status;
    };
    for (const Case& c : {Case{ErrorKind::invalid, pop3::ResponseCode::none, exit_status::config},
                          Case{ErrorKind::temporary, pop3::ResponseCode::sys_temp, exit_status::temporary},
                          Case{ErrorKind::permanent, pop3::ResponseCode::sys_perm, exit_status::unavailable},
                          Case{ErrorKind::in_use, pop3::ResponseCode::in_use, exit_status::temporary}}) {
        EXPECT_EQ(pop3::response_code(c.kind), c.code) << static_cast<int>(c.kind);
        EXPECT_EQ(exit_status::of(c.kind), c.status) << static_cast<int>(c.kind);
    }
    EXPECT_EQ(pop3::err(pop3::response_code(ErrorKind::temporary), "x"), "-ERR [SYS/TEMP] x\r\n");
    EXPECT_EQ(pop3::err(pop3::response_code(ErrorKind::invalid), "x"), "-ERR x\r\n");
}

}  // namespace
}  // namespace pop3d
