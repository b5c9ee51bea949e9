// Sanitizer reports of the sandboxed processes, in the `make test-asan`
// build (POP3D_SANITIZED); in every other build both functions do nothing.
//
// The runtime opens its report file (log_path, common/sanitizer_defaults.cpp)
// only once it has something to report. By then the front is chrooted in an
// empty directory and pop3d-auth's seccomp filter kills any open for
// writing, so their reports would be lost with the process. They open their
// report file at start instead, while they still may, and their filters let
// the runtime finish a report (allow_runtime_calls).
#pragma once

#include <seccomp.h>

namespace pop3d::sanitizer {

// Opens $(ASAN_BUILD)/sanitizer-reports/NAME for appending (every process
// of that name shares it; `make test-asan` fails when one is not empty) and
// makes it this process's report file. Where it cannot be opened, the
// reports stay on stderr, said there; the process still dies on a report.
void report_to_own_file(const char* name);

// Adds to a seccomp allow-list what the sanitizer runtime needs to write a
// report and end the process; returns libseccomp's status (0 or -errno).
// Adds nothing in every other build: the production filters are unchanged.
int allow_runtime_calls(scmp_filter_ctx ctx);

// The RLIMIT_FSIZE of a sandbox where no file may grow: 0, and in the
// sanitized build room for the reports in the one file such a process
// writes (its report file: it can open no other for writing).
unsigned long file_size_limit();

}  // namespace pop3d::sanitizer
