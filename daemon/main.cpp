// pop3d: the listener. Today it checks the configuration (-t); accepting
// connections arrives with the privilege-separation work (issue 5).
#include <unistd.h>

#include <cstdio>
#include <string>

#include "common/config.h"

namespace {

int usage() {
    std::fprintf(stderr, "usage: pop3d [-t] [-F] [-f FILE]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::string path = pop3d::default_config_path;
    bool test_only = false;
    int opt;
    while ((opt = getopt(argc, argv, "tFf:")) != -1) {
        switch (opt) {
            case 't': test_only = true; break;
            case 'F': break;
            case 'f': path = optarg; break;
            default: return usage();
        }
    }
    if (optind != argc) return usage();
    auto config = pop3d::load_config(path);
    if (!config) {
        std::fprintf(stderr, "pop3d: %s\n", config.error().message.c_str());
        return 1;
    }
    if (test_only) {
        std::fputs(pop3d::format_config(*config).c_str(), stdout);
        std::fprintf(stderr, "pop3d: %s: configuration OK\n", path.c_str());
        return 0;
    }
    std::fprintf(stderr, "pop3d: the listener is not built yet; only -t works\n");
    return 1;
}
