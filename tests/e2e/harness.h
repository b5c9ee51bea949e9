// What the end-to-end tests share: the real programs started on loopback
// ports (11000-11999), a small blocking POP3 client, and /proc readers.
// Every wait is bounded; nothing here sleeps a fixed time to "let things
// settle" except while polling for a condition with a deadline.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace pop3d::e2e {

// build/bin, next to the test binary's build/tests.
std::string bin_dir();
// The repository root (for etc/postinst.sh).
std::string source_dir();
// Runs etc/postinst.sh once per process; false when it failed.
bool run_postinst();

// A private directory (mode 0755 so pop3d-auth can read files in it),
// removed with its contents at destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    // Writes a file (mode, and owner root:group when group is not empty).
    std::string write(const std::string& name, const std::string& text, mode_t mode = 0644,
                      const std::string& owner = "") const;

private:
    std::string path_;
};

// The configuration every test starts from: one loopback address, no
// failure delay, fcntl locking, the users and APOP files in `dir`.
std::string base_config(const std::string& dir, int port, const std::string& extra = "");

// A process started by a test and stopped (SIGTERM, then SIGKILL after a
// bounded wait) by its pid when the object goes away.
class Process {
public:
    // argv[0] is the program's path; stdout and stderr go to log_path.
    explicit Process(const std::vector<std::string>& argv, const std::string& log_path);
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;
    pid_t pid() const { return pid_; }
    // Sends SIGTERM and waits; returns the exit status (-1 if killed).
    int stop();
    // Waits for the process to exit on its own; -1 when it did not in time.
    int wait_exit(int timeout_ms);

private:
    pid_t pid_ = -1;
};

// pop3d -F with a configuration file; ready once it logged "listening on".
class Daemon {
public:
    Daemon(const std::string& config_path, const std::string& log_path);
    bool ready() const { return ready_; }
    pid_t pid() const { return process_.pid(); }
    int stop() { return process_.stop(); }
    std::string log() const;

private:
    std::string log_path_;
    Process process_;
    bool ready_ = false;
};

std::string read_file(const std::string& path);
// Polls `condition` every 10 ms until it holds or timeout_ms passed.
bool eventually(int timeout_ms, const std::function<bool()>& condition);

// A blocking POP3 client with a 10 s receive timeout.
class Client {
public:
    // source: the local address to bind first ("127.0.0.2"), or empty.
    Client(const std::string& host, int port, const std::string& source = "");
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    bool connected() const { return fd_ >= 0; }
    bool send(const std::string& bytes);
    // One line without CRLF; "<eof>" when the server closed, "<timeout>" or
    // "<error>" otherwise.
    std::string line();
    // The lines of a multi-line response after its status line, up to ".".
    std::vector<std::string> multiline();
    // Whether the server closes the connection (reads until EOF, bounded).
    bool closed_by_server();

private:
    int fd_ = -1;
    std::string buffer_;
};

// Fields of /proc/PID/status ("Uid" -> "0\t0\t0\t0").
std::map<std::string, std::string> proc_status(pid_t pid);
// The target of /proc/PID/root.
std::string proc_root(pid_t pid);
// Direct children of pid.
std::vector<pid_t> children_of(pid_t pid);
// The process's program name (/proc/PID/comm).
std::string proc_name(pid_t pid);

// Runs a shell command, returning its output (stdout and stderr) and
// setting *status to the exit status.
std::string shell(const std::string& command, int* status);

}  // namespace pop3d::e2e
