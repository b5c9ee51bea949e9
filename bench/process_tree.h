// The processes under a server's top process, and what memory they hold.
#pragma once

#include <set>
#include <string>

namespace bench {

// Every live descendant of root (root excluded).
std::set<int> descendants_of(int root);
// Pss of one process in KiB from /proc/PID/smaps_rollup; -1 when it is gone.
long pss_kib(int pid);
// CPU time (utime + stime) of one process in clock ticks; -1 when it is gone.
long long cpu_ticks(int pid);
// The same plus that of its waited-for children (cutime + cstime): what a
// process and everything it started and reaped has spent.
long long cpu_ticks_with_children(int pid);
// The real uid of one process; -1 when it is gone.
long uid_of(int pid);

}  // namespace bench
