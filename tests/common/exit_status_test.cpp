#include "common/exit_status.h"

#include <gtest/gtest.h>

namespace pop3d {
namespace {

// The numbers are an interface (init systems, scripts, the man pages).
TEST(ExitStatus, NumbersAreThoseOfSysexits) {
    EXPECT_EQ(exit_status::usage, 64);
    EXPECT_EQ(exit_status::temporary, 75);
    EXPECT_EQ(exit_status::config, 78);
    EXPECT_EQ(exit_status::cannot_create, 73);
}

TEST(ExitStatus, AnErrorKindMapsToTheStatusAnAdministratorActsOn) {
    EXPECT_EQ(exit_status::of(ErrorKind::invalid), exit_status::config);
    EXPECT_EQ(exit_status::of(ErrorKind::temporary), exit_status::temporary);
    EXPECT_EQ(exit_status::of(ErrorKind::in_use), exit_status::temporary);
    EXPECT_EQ(exit_status::of(ErrorKind::permanent), exit_status::unavailable);
}

}  // namespace
}  // namespace pop3d
