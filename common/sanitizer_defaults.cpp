// Only in the `make test-asan` build (POP3D_SANITIZED): the programs run with
// a cleared environment, so ASAN_OPTIONS does not reach them, and
// pop3d-auth under a seccomp filter that kills on any call it does not list;
// LeakSanitizer's scan at exit (it stops the world with ptrace) is such a
// call. So the programs check memory errors and undefined behaviour, not
// leaks; the test binaries, which get ASAN_OPTIONS, check leaks too.
#ifdef POP3D_SANITIZED
extern "C" const char* __asan_default_options() { return "detect_leaks=0"; }
#endif
