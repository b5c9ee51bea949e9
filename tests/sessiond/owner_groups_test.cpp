#include "sessiond/owner_groups.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/support/proc_status.h"

namespace pop3d::session {
namespace {

TEST(OwnerGroups, ListTheBaseGroupAndWhatTheDatabaseAdds) {
    auto root = owner_groups("root", 0);
    ASSERT_TRUE(root.ok()) << root.error().message;
    EXPECT_NE(std::find(root->begin(), root->end(), 0u), root->end());
    // A name no database knows still has its base group.
    auto nobody = owner_groups("p3-no-such-account", 54321);
    ASSERT_TRUE(nobody.ok()) << nobody.error().message;
    EXPECT_EQ(*nobody, std::vector<gid_t>{54321});
}

// This process's children, zombies included.
std::string children() {
    std::ifstream in("/proc/self/task/" + std::to_string(::getpid()) + "/children");
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(OwnerGroups, LeavesNoDescriptorOrChildBehind) {
    ASSERT_TRUE(std::ifstream("/proc/self/task/" + std::to_string(::getpid()) + "/children").is_open());
    const int before = pop3d::testing::open_descriptor_count();
    const std::string children_before = children();
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(owner_groups("root", 0).ok());
    EXPECT_EQ(pop3d::testing::open_descriptor_count(), before);
    EXPECT_EQ(children(), children_before);
}

}  // namespace
}  // namespace pop3d::session
