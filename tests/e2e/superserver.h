// A superserver on 127.0.0.1 that runs a program (pop3d-session) per
// connection with the connection on its standard input and output, as a
// site without the listener runs pop3d-session. Each waits, bounded, until
// the superserver listens, asking /proc rather than connecting (under a
// superserver a probe connection would start a session). When it does not
// listen, each adds a test failure with the superserver's log and returns
// null. The process is stopped by its pid when the pointer goes.
#pragma once

#include <memory>
#include <string>

#include "tests/e2e/harness.h"

namespace pop3d::e2e {

// socat on a port the kernel picks, running `command` (a program and its
// arguments; socat's EXEC options may follow after a comma); its output
// goes to log_path. *port is set to the port.
std::unique_ptr<Process> socat_running(const std::string& command, const std::string& log_path, int* port);

// openbsd-inetd running `command` (a program and its arguments) as root.
// inetd takes no port 0: it is given one that was free a moment ago. Its
// configuration is DIR/NAME.conf, its log DIR/NAME.log. *port is set to
// the port.
std::unique_ptr<Process> inetd_running(const TempDir& dir, const std::string& name, const std::string& command,
                                       int* port);

}  // namespace pop3d::e2e
