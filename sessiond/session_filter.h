// The logged-in session's seccomp filter (issue 11, item 4). The session
// runs as the mailbox owner and may do what the owner may on the owner's
// files, so the filter does not try to be an allow-list of the mbox engine
// (mmap, locks, renames, fsyncs, liblockfile, a scanner thread): it denies
// what a session taken over would want beyond that and never needs: new
// sockets (the client's connection, the dotlock keeper's channel and the
// syslog socket are open already), running programs, and tracing or
// reaching into other processes.
#pragma once

#include "common/result.h"

namespace pop3d::session {

// socket() fails with EACCES (glibc's syslog reconnects through it after a
// syslogd restart: a lost log line, not a lost session); execve, execveat,
// ptrace, process_vm_readv/writev, bpf, perf_event_open, userfaultfd and
// keyctl kill the process. Needs no_new_privs. Applies for good.
Status enter_session_filter();

}  // namespace pop3d::session
