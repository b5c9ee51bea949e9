// Only in the `make test-asan` build (POP3D_SANITIZED), linked into the
// programs alone: they run with a cleared environment, so ASAN_OPTIONS and
// UBSAN_OPTIONS do not reach them, and these are their options instead.
// - Reports go to files in $(ASAN_BUILD)/sanitizer-reports (log_path: the
//   runtime adds the pid), which `make test-asan` checks; stderr is the
//   client's socket under inetd, and /dev/null otherwise. The front and
//   pop3d-auth cannot open a file by then and open theirs at start
//   (common/sanitizer_report.h).
// - No LeakSanitizer: its scan at exit stops the world with ptrace, which
//   the seccomp filters of pop3d-auth and the front kill. The test binaries,
//   which get ASAN_OPTIONS, check leaks.
// - No colours: deciding asks isatty, an ioctl pop3d-auth's filter kills.
// - No symbolizing: it runs llvm-symbolizer as a child, which the filters
//   kill as well. Reports name program+offset; `make test-asan` passes them
//   through asan_symbolize where it is installed.
#ifdef POP3D_SANITIZED
extern "C" const char* __asan_default_options() {
    return "detect_leaks=0:symbolize=0:color=never:log_path=" POP3D_SANITIZER_REPORT_DIR "/report";
}
extern "C" const char* __ubsan_default_options() { return "print_stacktrace=1:symbolize=0:color=never"; }
#endif
