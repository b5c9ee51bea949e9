#include "tests/e2e/superserver.h"

#include <gtest/gtest.h>

#include <vector>

namespace pop3d::e2e {
namespace {

// The process once it listens on `port` (any port when 0); null, with a
// test failure, when it does not within 5 s.
std::unique_ptr<Process> once_listening(std::unique_ptr<Process> process, const std::string& name,
                                        const std::string& log_path, int expected_port, int* port) {
    const pid_t pid = process->pid();
    if (eventually(5000, [&] {
            *port = listening_port(pid);
            return *port != 0 && (expected_port == 0 || *port == expected_port);
        }))
        return process;
    ADD_FAILURE() << name << " did not listen: " << read_file(log_path);
    return nullptr;
}

}  // namespace

std::unique_ptr<Process> socat_running(const std::string& command, const std::string& log_path, int* port) {
    auto socat = std::make_unique<Process>(
        std::vector<std::string>{"/usr/bin/socat", "TCP-LISTEN:0,bind=127.0.0.1,reuseaddr,fork", "EXEC:" + command},
        log_path);
    return once_listening(std::move(socat), "socat", log_path, 0, port);
}

std::unique_ptr<Process> inetd_running(const TempDir& dir, const std::string& name, const std::string& command,
                                       int* port) {
    const int free_port = unused_port();
    if (free_port == 0) {
        ADD_FAILURE() << "no free port for inetd";
        return nullptr;
    }
    // inetd.conf: address:port, socket type, protocol, wait, user, program, argv.
    const std::string program = command.substr(0, command.find(' '));
    const std::string argv0 = program.substr(program.rfind('/') + 1);
    const std::string arguments = command.size() > program.size() ? command.substr(program.size()) : "";
    const std::string conf = dir.write(name + ".conf", "127.0.0.1:" + std::to_string(free_port) +
                                                           " stream tcp nowait root " + program + " " + argv0 +
                                                           arguments + "\n");
    const std::string log_path = dir.file(name + ".log");
    auto inetd = std::make_unique<Process>(std::vector<std::string>{"/usr/sbin/inetd", "-i", conf}, log_path);
    return once_listening(std::move(inetd), "inetd", log_path, free_port, port);
}

}  // namespace pop3d::e2e
