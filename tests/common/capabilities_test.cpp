#include "common/capabilities.h"

#include <gtest/gtest.h>
#include <sys/capability.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/proc_status.h"

namespace pop3d::capabilities {
namespace {

// Runs `check` in a child (capabilities only shrink, and the test process
// must keep its own) and returns its exit status: 0 when it held.
int in_child(const std::function<bool()>& check) {
    pid_t pid = ::fork();
    if (pid == 0) _exit(check() ? 0 : 1);
    int status = -1;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

std::string own(const char* field) { return pop3d::testing::proc_status(::getpid())[field]; }

TEST(Capabilities, SessionKeepsOnlyChownKillSetgidSetuidSetpcapChroot) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    EXPECT_EQ(in_child([] {
                  return keep_only(session).ok() && own("CapBnd") == "00000000000401e1" &&
                         own("CapPrm") == "00000000000401e1" && own("CapEff") == "00000000000401e1";
              }),
              0);
}

// Clears `withheld` from this process's permitted and effective sets, as a
// service manager that did not give them would.
bool withhold(std::initializer_list<cap_value_t> withheld) {
    std::unique_ptr<_cap_struct, int (*)(void*)> caps(cap_get_proc(), cap_free);
    const std::vector<cap_value_t> values(withheld);
    const int n = static_cast<int>(values.size());
    return caps && cap_set_flag(caps.get(), CAP_PERMITTED, n, values.data(), CAP_CLEAR) == 0 &&
           cap_set_flag(caps.get(), CAP_EFFECTIVE, n, values.data(), CAP_CLEAR) == 0 &&
           cap_set_proc(caps.get()) == 0;
}

// A service manager that withheld CAP_CHOWN does not stop a session from
// starting; it only lacks what it was not given.
TEST(Capabilities, WhatWasWithheldStaysAway) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    EXPECT_EQ(in_child([] {
                  if (!withhold({CAP_CHOWN})) return false;
                  auto withheld = keep_only(session);
                  return withheld.ok() && *withheld == std::vector<int>{CAP_CHOWN} &&
                         own("CapBnd") == "00000000000401e1" && own("CapPrm") == "00000000000401e0" &&
                         own("CapEff") == "00000000000401e0";
              }),
              0);
}

// A session the listener started: no CAP_SETPCAP, the bounding set already
// the listener's.
// The listener keeps CAP_SETPCAP for its sessions, which cut the bounding
// set to their own (without CAP_NET_BIND_SERVICE) and later empty it for
// the front, pop3d-auth and the logged-in session.
TEST(Capabilities, SessionOfTheListenerCutsItsBoundingSetFurther) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    EXPECT_EQ(in_child([] {
                  return keep_only(listener).ok() && keep_only(session).ok() &&
                         own("CapBnd") == "00000000000401e1" && own("CapEff") == "00000000000401e1";
              }),
              0);
}

// Without CAP_SETPCAP a full bounding set cannot be cut: an error, never a
// process that looks cut but whose root children regain everything.
TEST(Capabilities, FullBoundingSetWithoutSetpcapIsAnError) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    EXPECT_EQ(in_child([] { return withhold({CAP_SETPCAP}) && !keep_only(session).ok(); }), 0);
}

}  // namespace
}  // namespace pop3d::capabilities
