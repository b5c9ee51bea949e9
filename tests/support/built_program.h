// The programs built beside the running test binary: build/tests/unit runs
// build/bin/NAME, and build-asan/tests/unit (`make test-asan`) runs
// build-asan/bin/NAME, so each suite tests its own build.
#pragma once

#include <string>

namespace pop3d::testing {

// The build directory the test binary lies in (build, build-asan).
std::string build_dir();

// build_dir()/bin/NAME.
std::string built_program(const std::string& name);

}  // namespace pop3d::testing
