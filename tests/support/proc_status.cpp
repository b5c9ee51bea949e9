#include "tests/support/proc_status.h"

#include <dirent.h>

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

int open_descriptor_count() {
    DIR* d = ::opendir("/proc/self/fd");
    if (!d) return -1;
    int n = 0;
    while (struct dirent* e = ::readdir(d)) n += e->d_name[0] != '.';
    ::closedir(d);
    return n - 1;  // the directory stream's own descriptor
}

}  // namespace pop3d::testing
