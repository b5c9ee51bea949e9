// /proc/PID/status as a map of field to value (surrounding blanks removed),
// for tests that check what a process may do: Uid, Groups, CapEff, NoNewPrivs.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>

namespace pop3d::testing {

std::map<std::string, std::string> proc_status(pid_t pid);

// How many descriptors this process has open (/proc/self/fd), -1 if unknown.
int open_descriptor_count();

}  // namespace pop3d::testing
