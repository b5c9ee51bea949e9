#include "tests/support/built_program.h"

#include <unistd.h>

#include <climits>

namespace pop3d::testing {

std::string build_dir() {
    char self[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return "build";  // where `make` puts it, from the source tree
    const std::string path(self, static_cast<std::size_t>(n));
    const std::string tests_dir = path.substr(0, path.rfind('/'));  // BUILD/tests
    return tests_dir.substr(0, tests_dir.rfind('/'));
}

std::string built_program(const std::string& name) { return build_dir() + "/bin/" + name; }

}  // namespace pop3d::testing
