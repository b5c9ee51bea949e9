// What a child forked from the monitor keeps of its descriptors. The monitor
// holds the client's connection, its sockets to the front and pop3d-auth,
// the configuration copy; a child that does one job (the dotlock keeper, the
// group lookup) must hold none of them while it runs.
#pragma once

namespace pop3d {

// The one descriptor such a child keeps.
inline constexpr int kept_descriptor = 3;

// In a freshly forked child: stdin, stdout and stderr become /dev/null,
// `keep` becomes kept_descriptor, every other descriptor (the syslog
// socket too, through closelog) is closed. Safe
// whatever numbers `keep` and the others have. False on failure: the child
// must then _exit.
bool keep_only_descriptor(int keep);

}  // namespace pop3d
