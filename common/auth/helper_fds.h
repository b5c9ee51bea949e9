// The descriptors on which pop3d-auth finds what the monitor hands it
// (sessiond/auth_helper.cpp puts them there, authd/main.cpp reads them): the
// one contract between the two programs besides the frames of codec.h.
#pragma once

namespace pop3d::auth {

// pop3d-auth finds its end of the socketpair on this descriptor.
inline constexpr int helper_fd = 3;
// ... and, when it is handed one, its configuration on this one (read as
// /proc/self/fd/4: the monitor is not dumpable, so its own /proc/PID/fd is
// closed to every process without CAP_SYS_PTRACE, root's children included).
inline constexpr int helper_config_fd = 4;

}  // namespace pop3d::auth
