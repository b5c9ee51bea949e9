#include "tests/support/proc_status.h"

#include <fstream>

namespace pop3d::testing {

std::map<std::string, std::string> proc_status(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::map<std::string, std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string value = line.substr(colon + 1);
        auto first = value.find_first_not_of(" \t");
        auto last = value.find_last_not_of(" \t");
        out[line.substr(0, colon)] = first == std::string::npos ? "" : value.substr(first, last - first + 1);
    }
    return out;
}

}  // namespace pop3d::testing
