// The benchmark scenarios (M1-M6 of the README, section Benchmark) as the load generator runs them.
// Each returns an empty string on success, else why the run is not a figure,
// and prints its measurements as one line of key=value pairs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/manifest.h"

namespace bench {

struct Target {
    int port = 0;
    std::vector<std::string> users;  // one per concurrent session
    std::string password;
    bool tls = false;           // implicit TLS (POP3S) from the first byte
    int cpu_root_pid = 0;       // the server's top process, to charge CPU to
    std::string relay_user;     // retrieval: the user its TLS-relaying process runs as
};

// Login rate: greeting, USER, PASS, STAT, QUIT in a loop on `concurrency`
// sessions (each its own user) for `seconds`; expects `expect_count` messages.
// With cpu_root_pid, also the CPU the server spent per login.
std::string run_login_rate(const Target& t, int concurrency, double seconds,
                           std::int64_t expect_count, std::string* out);

struct Maildrop {
    Manifest manifest;
    MappedFile mbox;  // the pristine copy the manifest describes
};
std::string load_maildrop(const std::string& manifest_path, const std::string& mbox_path,
                          Maildrop* out);

// Retrieves every message, checking each byte; with `delete_each` also DELEs
// each one, then checks in a new session that the maildrop is empty. With
// cpu_root_pid, also the CPU time the server's processes (and those of them
// running as relay_user) spent during the RETRs, per MiB.
std::string run_retrieve_all(const Target& t, const Maildrop& drop, bool delete_each,
                             std::string* out);

// Time from connect to the +OK of PASS and of STAT.
std::string run_open(const Target& t, std::int64_t expect_count, std::string* out);

// DELE 1 then QUIT (the UPDATE); then checks that one message went.
std::string run_delete_first(const Target& t, std::int64_t expect_count, std::string* out);

// PSS of the processes, descendants of root_pid, that appear for idle
// logged-in sessions, per session.
std::string run_session_memory(const Target& t, int root_pid, std::string* out);

// The same retrieval against a trivial in-process sender on `port`.
std::string run_loopback_limit(int port, const Maildrop& drop, std::string* out);

}  // namespace bench
