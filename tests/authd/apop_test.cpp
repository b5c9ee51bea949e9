#include "authd/apop.h"

#include <gtest/gtest.h>

namespace pop3d::authd {
namespace {

// RFC 1939 section 7.
TEST(Apop, Rfc1939Example) {
    auto d = apop_digest("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf");
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_EQ(*d, "c4c9334bac560ecc979e58001b3e22fb");
    EXPECT_TRUE(apop_digest_matches(*d, "c4c9334bac560ecc979e58001b3e22fb"));
    EXPECT_TRUE(apop_digest_matches(*d, "C4C9334BAC560ECC979E58001B3E22FB"));
    EXPECT_FALSE(apop_digest_matches(*d, "c4c9334bac560ecc979e58001b3e22fc"));
    EXPECT_FALSE(apop_digest_matches(*d, "c4c9334bac560ecc979e58001b3e22f"));
    EXPECT_NE(*apop_digest("<1896.697170953@dbc.mtview.ca.us>", "tanstaaf"), *d);
}

}  // namespace
}  // namespace pop3d::authd
