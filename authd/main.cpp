// pop3d-auth: checks credentials for one session's monitor, which starts
// it as root with a SOCK_SEQPACKET socket on descriptor 3 (common/auth/helper_fds.h).
// Usage: pop3d-auth [-f CONFIG]
#include <sodium.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "authd/authenticator.h"
#include "authd/sandbox.h"
#include "authd/serve.h"
#include "authd/syscall_filter.h"
#include "common/auth/helper_fds.h"
#include "common/config.h"
#include "common/exit_status.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/sanitizer_report.h"

namespace {

bool is_seqpacket_socket(int fd) {
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return false;
    int type = 0;
    socklen_t len = sizeof type;
    return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_SEQPACKET;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace pop3d;
    std::string config_path = default_config_path;
    if (argc == 3 && std::strcmp(argv[1], "-f") == 0) {
        config_path = argv[2];
    } else if (argc != 1) {
        std::fprintf(stderr, "usage: pop3d-auth [-f CONFIG]\n(started by pop3d-session, not by hand)\n");
        return exit_status::usage;
    }
    sanitizer::report_to_own_file("pop3d-auth");
    log::init("pop3d-auth", "mail", "info", false);
    if (sodium_init() < 0) {
        log::error("sodium_init failed");
        return exit_status::software;
    }
    if (!is_seqpacket_socket(auth::helper_fd)) {
        log::error("descriptor %d is not a SOCK_SEQPACKET socket: pop3d-auth is started by pop3d-session",
                   auth::helper_fd);
        return exit_status::usage;
    }
    auto config = load_config(config_path);
    if (!config) {
        log::error("%s", config.error().message.c_str());
        return exit_status::config;
    }
    log::init("pop3d-auth", config->log.facility, config->log.level, false);
    // Opened while root: the directory is root's so no user can take or
    // replace the slot files. Without root (single-user mode) there are none.
    authd::HashSlots slots;
    const bool as_root = geteuid() == 0;
    const uid_t self = geteuid();
    if (as_root) {
        auto opened = authd::HashSlots::open(authd::hash_slot_dir, limits::hash_slots);
        if (!opened) {
            log::error("%s", opened.error().message.c_str());
            return exit_status::os_error;
        }
        slots = std::move(*opened);
    }
    if (auto s = authd::enter_sandbox(config->privsep); !s) {
        log::error("dropping privileges: %s", s.error().message.c_str());
        return exit_status::os_error;
    }
    const authd::Authenticator authenticator(config->auth, as_root, self);
    if (auto s = authd::install_syscall_filter(); !s) {
        log::error("%s", s.error().message.c_str());
        return exit_status::os_error;
    }
    // serve() ends with 0 when the monitor closed the socket, and otherwise
    // on a frame it could not take: a protocol error.
    int served = authd::serve(auth::helper_fd, authenticator, slots);
    return served == 0 ? exit_status::ok : exit_status::protocol;
}
