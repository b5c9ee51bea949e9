#include "tests/e2e/harness.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

#include "tests/support/built_program.h"
#include "tests/support/test_user.h"

namespace pop3d::e2e {
namespace {

std::string parent(const std::string& dir) { return dir.substr(0, dir.rfind('/')); }

// What the symbolic link at path points to; empty when it is none.
std::string link_target(const std::string& path) {
    char target[PATH_MAX];
    ssize_t n = readlink(path.c_str(), target, sizeof target);
    return n <= 0 || n == static_cast<ssize_t>(sizeof target) ? "" : std::string(target, static_cast<std::size_t>(n));
}

}  // namespace

std::string bin_dir() { return testing::build_dir() + "/bin"; }
std::string source_dir() { return parent(testing::build_dir()); }

bool run_postinst() {
    static int status = testing::run_command("sh " + source_dir() + "/etc/postinst.sh");
    return status == 0;
}

std::string base_config(const std::string& dir, const std::string& extra) {
    // Sections may be repeated by `extra` only for keys not set here.
    std::string c = "[server]\nlisten = 127.0.0.1:0\npid_file = " + dir + "/pop3d.pid\n";
    c += "[auth]\nfailure_delay = 0\nusers_file = " + dir + "/users\napop_file = " + dir + "/apop\n";
    return c + extra;
}

std::string write_base_config(const TempDir& dir, const std::string& extra) {
    return dir.write("pop3d.conf", base_config(dir.path(), extra));
}

Process::Process(const std::vector<std::string>& argv, const std::string& log_path) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_ = fork();
    if (pid_ != 0) return;
    int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int null = open("/dev/null", O_RDONLY);
    if (log < 0 || null < 0 || dup2(null, 0) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0) _exit(127);
    close_range(3, ~0U, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(args[0], args.data());
    _exit(127);
}

Process::~Process() { stop(); }

int Process::wait_exit(int timeout_ms) {
    if (pid_ <= 0) return -1;
    for (int waited = 0; waited <= timeout_ms; waited += 10) {
        int status = 0;
        pid_t r = waitpid(pid_, &status, WNOHANG);
        if (r == pid_ || (r < 0 && errno == ECHILD)) {
            pid_ = -1;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
}

int Process::stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    pid_t pid = pid_;
    int status = wait_exit(5000);
    if (pid_ > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        pid_ = -1;
    }
    return status;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

bool eventually(int timeout_ms, const std::function<bool()>& condition) {
    for (int waited = 0; waited <= timeout_ms; waited += 10) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

Daemon::Daemon(const std::string& config_path, const std::string& log_path)
    : log_path_(log_path), process_({bin_dir() + "/pop3d", "-F", "-f", config_path}, log_path) {
    ready_ = eventually(5000, [&] { return log().find("listening on") != std::string::npos; });
}

std::string Daemon::log() const { return read_file(log_path_); }

int Daemon::port(const std::string& address) const {
    std::string text = log();
    std::string mark = "listening on " + address + ":";
    std::size_t at = text.find(mark);
    return at == std::string::npos ? 0 : std::atoi(text.c_str() + at + mark.size());
}

int Daemon::tls_port() const {
    const std::string text = log();
    const std::string mark = "listening on ";
    for (std::size_t at = text.find(mark); at != std::string::npos; at = text.find(mark, at + 1)) {
        const std::size_t line_end = text.find('\n', at);
        const std::string line = text.substr(at, line_end == std::string::npos ? std::string::npos : line_end - at);
        const std::size_t colon = line.rfind(':');
        if (colon != std::string::npos && line.size() > 6 && line.compare(line.size() - 6, 6, " (TLS)") == 0)
            return std::atoi(line.c_str() + colon + 1);
    }
    return 0;
}

int listening_port(pid_t pid, bool ipv6) {
    std::set<std::string> sockets;
    for (const auto& [fd, target] : descriptors_of(pid))
        if (target.rfind("socket:[", 0) == 0 && target.back() == ']')
            sockets.insert(target.substr(8, target.size() - 9));
    // Lines: "sl local_address rem_address st ... uid timeout inode ...";
    // local_address is HEXADDR:HEXPORT, st 0A is LISTEN.
    std::istringstream table(read_file(ipv6 ? "/proc/net/tcp6" : "/proc/net/tcp"));
    std::string line;
    std::getline(table, line);
    while (std::getline(table, line)) {
        std::istringstream f(line);
        std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
        f >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
        if (state == "0A" && sockets.count(inode))
            return static_cast<int>(std::strtol(local.substr(local.find(':') + 1).c_str(), nullptr, 16));
    }
    return 0;
}

int unused_port() {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    int port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
        port = ntohs(addr.sin_port);
    close(fd);
    return port;
}

int connect_to(const std::string& host, int port, const std::string& source, int receive_buffer) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (receive_buffer > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer) != 0) {
        close(fd);
        return -1;
    }
    if (!source.empty()) {
        sockaddr_in local{};
        local.sin_family = AF_INET;
        inet_pton(AF_INET, source.c_str(), &local.sin_addr);
        if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
            close(fd);
            return -1;
        }
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

Client::Client(const std::string& host, int port, const std::string& source, int receive_buffer)
    : fd_(connect_to(host, port, source, receive_buffer)) {}

Client::~Client() {
    if (fd_ >= 0) close(fd_);
}

bool Client::send(const std::string& bytes) {
    return fd_ >= 0 && ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
}

std::string Client::line() {
    // Bounded by the receive timeout and a line length no reply may reach.
    for (int reads = 0; reads < 100000; ++reads) {
        auto end = buffer_.find("\r\n");
        if (end != std::string::npos) {
            std::string l = buffer_.substr(0, end);
            buffer_.erase(0, end + 2);
            return l;
        }
        char buf[4096];
        ssize_t n = fd_ < 0 ? -1 : recv(fd_, buf, sizeof buf, 0);
        if (n == 0) return "<eof>";
        if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? "<timeout>" : "<error>";
        buffer_.append(buf, static_cast<std::size_t>(n));
    }
    return "<error>";
}

std::vector<std::string> Client::multiline() {
    std::vector<std::string> lines;
    for (int i = 0; i < 100000; ++i) {
        std::string l = line();
        if (l == "." || l.rfind("<", 0) == 0) break;
        lines.push_back(l);
    }
    return lines;
}

bool Client::closed_by_server() {
    for (int i = 0; i < 1000; ++i) {
        std::string l = line();
        if (l == "<eof>" || l == "<error>") return true;
        if (l == "<timeout>") return false;
    }
    return false;
}

std::string first_id(const std::string& ids) { return ids.substr(0, ids.find('\t')); }

std::string uid_of(const std::string& name) {
    int status = 0;
    std::string out = shell("id -u " + name, &status);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return status == 0 ? out : "";
}

std::string proc_root(pid_t pid) { return link_target("/proc/" + std::to_string(pid) + "/root"); }

std::map<std::string, std::string> descriptors_of(pid_t pid) {
    std::map<std::string, std::string> targets;
    const std::string fds = "/proc/" + std::to_string(pid) + "/fd";
    DIR* d = opendir(fds.c_str());
    if (!d) return targets;
    while (struct dirent* e = readdir(d)) {
        std::string target = link_target(fds + "/" + e->d_name);
        if (!target.empty()) targets[e->d_name] = target;
    }
    closedir(d);
    return targets;
}

std::string fd_target(pid_t pid, int fd) {
    return link_target("/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd));
}

std::vector<pid_t> children_of(pid_t pid) {
    std::vector<pid_t> out;
    std::string p = std::to_string(pid);
    std::istringstream in(read_file("/proc/" + p + "/task/" + p + "/children"));
    pid_t child;
    while (in >> child) out.push_back(child);
    return out;
}

std::string proc_name(pid_t pid) {
    std::string name = read_file("/proc/" + std::to_string(pid) + "/comm");
    while (!name.empty() && name.back() == '\n') name.pop_back();
    return name;
}

namespace {

std::pair<pid_t, pid_t> monitor_and_front_now(pid_t ancestor) {
    std::vector<pid_t> level{ancestor};
    for (int depth = 0; depth < 4 && !level.empty(); ++depth) {
        std::vector<pid_t> next;
        for (pid_t parent : level)
            for (pid_t child : children_of(parent)) {
                if (proc_name(parent) == "pop3d-session" && proc_name(child) == "pop3d-session")
                    return {parent, child};
                next.push_back(child);
            }
        level = std::move(next);
    }
    return {-1, -1};
}

}  // namespace

std::pair<pid_t, pid_t> find_monitor_and_front(pid_t ancestor) {
    std::pair<pid_t, pid_t> found{-1, -1};
    eventually(3000, [&] { return (found = monitor_and_front_now(ancestor)).second > 0; });
    return found;
}

std::string shell(const std::string& command, int* status) {
    std::string out;
    FILE* p = popen((command + " 2>&1").c_str(), "r");
    if (!p) {
        *status = -1;
        return out;
    }
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int rc = pclose(p);
    *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    return out;
}

}  // namespace pop3d::e2e
