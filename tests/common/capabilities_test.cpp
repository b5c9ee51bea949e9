#include "common/capabilities.h"

#include <gtest/gtest.h>
#include <sys/capability.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <string>

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

TEST(Capabilities, SessionKeepsOnlyChownSetgidSetuidChroot) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    EXPECT_EQ(in_child([] {
                  return keep_only(session).ok() && own("CapBnd") == "00000000000400c1" &&
                         own("CapPrm") == "00000000000400c1" && own("CapEff") == "00000000000400c1";
              }),
              0);
}

// A service manager that withheld CAP_CHOWN (and CAP_SETPCAP with it) does
// not stop a session from starting; it only lacks what it was not given.
TEST(Capabilities, WhatWasWithheldStaysAway) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    EXPECT_EQ(in_child([] {
                  std::unique_ptr<_cap_struct, int (*)(void*)> caps(cap_get_proc(), cap_free);
                  const cap_value_t withheld[] = {CAP_CHOWN, CAP_SETPCAP};
                  if (!caps || cap_set_flag(caps.get(), CAP_PERMITTED, 2, withheld, CAP_CLEAR) != 0 ||
                      cap_set_flag(caps.get(), CAP_EFFECTIVE, 2, withheld, CAP_CLEAR) != 0 ||
                      cap_set_proc(caps.get()) != 0)
                      return false;
                  return keep_only(session).ok() && own("CapPrm") == "00000000000400c0" &&
                         own("CapEff") == "00000000000400c0";
              }),
              0);
}

}  // namespace
}  // namespace pop3d::capabilities
