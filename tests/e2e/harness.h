// What the end-to-end tests share: the real programs started on loopback
// ports the kernel picks (port 0, read back), a small blocking POP3 client,
// and /proc readers. No fixed port: the suite passes while other services
// listen on the machine.
// Every wait is bounded; nothing here sleeps a fixed time to "let things
// settle" except while polling for a condition with a deadline.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/proc_status.h"
#include "tests/support/temp_dir.h"

namespace pop3d::e2e {

// build/bin, next to the test binary's build/tests.
std::string bin_dir();
// The repository root (for etc/postinst.sh).
std::string source_dir();
// Runs etc/postinst.sh once per process; false when it failed.
bool run_postinst();

// Temporary directories come from tests/support (removed with their contents).
using testing::TempDir;

// The configuration every test starts from: 127.0.0.1 on a port the kernel
// picks, no failure delay, the users and APOP files in `dir`; everything
// else (the /var/mail maildrops with fcntl and dot locks) as shipped.
std::string base_config(const std::string& dir, const std::string& extra = "");
// Writes base_config(dir, extra) to DIR/pop3d.conf; returns its path.
std::string write_base_config(const TempDir& dir, const std::string& extra = "");

// The TCP port pid listens on (/proc/PID/fd and /proc/net/tcp, tcp6 when
// ipv6); 0 when it listens on none.
int listening_port(pid_t pid, bool ipv6 = false);
// A port nobody listens on right now, for a program that cannot be told
// port 0 (inetd); another program could take it before the test does.
int unused_port();

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
    // The port of `address` ("127.0.0.1", "[::1]") from its "listening on"
    // line; 0 when there is none.
    int port(const std::string& address = "127.0.0.1") const;
    // The port of the first tls_listen address ("listening on ADDR:PORT (TLS)").
    int tls_port() const;

private:
    std::string log_path_;
    Process process_;
    bool ready_ = false;
};

std::string read_file(const std::string& path);
// How often `what` stands in `text` (overlapping ones counted).
std::size_t occurrences(const std::string& text, const std::string& what);
// Polls `condition` every 10 ms until it holds or timeout_ms passed.
bool eventually(int timeout_ms, const std::function<bool()>& condition);

// A blocking TCP connection to host:port (bound first to source when given)
// with 10 s send and receive timeouts; -1 when it cannot be made.
// receive_buffer > 0: SO_RCVBUF before the connect, so that the window the
// client offers stays that small (the kernel's floor is about 4 KiB).
int connect_to(const std::string& host, int port, const std::string& source = "", int receive_buffer = 0);

// A blocking POP3 client with a 10 s receive timeout.
class Client {
public:
    // source: the local address to bind first ("127.0.0.2"), or empty;
    // receive_buffer as connect_to's.
    Client(const std::string& host, int port, const std::string& source = "", int receive_buffer = 0);
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
using testing::proc_status;
// The first (real) id of a Uid or Gid field of proc_status.
std::string first_id(const std::string& ids);
// The uid of the account `name` as text (id -u); empty when there is none.
std::string uid_of(const std::string& name);
// The target of /proc/PID/root.
std::string proc_root(pid_t pid);
// What each open descriptor of pid refers to, by number (/proc/PID/fd:
// "0" -> "socket:[1234]", "2" -> "/dev/null"); empty when it cannot be read.
std::map<std::string, std::string> descriptors_of(pid_t pid);
// What descriptor fd of pid refers to; empty when it is not open.
std::string fd_target(pid_t pid, int fd);
// Direct children of pid.
std::vector<pid_t> children_of(pid_t pid);
// The process's program name (/proc/PID/comm).
std::string proc_name(pid_t pid);
// The monitor and the front of a session somewhere below `ancestor` (socat
// forks a relay per connection, which forks the program): a pop3d-session
// whose parent is a pop3d-session is a front. Waits up to 3 s for one to
// appear; {-1, -1} when there is none.
std::pair<pid_t, pid_t> find_monitor_and_front(pid_t ancestor);

// Runs a shell command, returning its output (stdout and stderr) and
// setting *status to the exit status.
std::string shell(const std::string& command, int* status);

}  // namespace pop3d::e2e
