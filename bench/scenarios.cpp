#include "bench/scenarios.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include <pwd.h>
#include <unistd.h>

#include "bench/connection.h"
#include "bench/process_tree.h"
#include "bench/trivial_sender.h"

namespace bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr double kMiB = 1024.0 * 1024.0;
constexpr std::size_t kMaxLoginSamples = 1'000'000;

double seconds_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

std::string fmt(const char* format, double a) {
    char s[64];
    std::snprintf(s, sizeof s, format, a);
    return s;
}

std::string parse_stat(std::string_view reply, std::int64_t* count, std::uint64_t* octets) {
    unsigned long long c = 0, o = 0;
    std::string r(reply);
    if (std::sscanf(r.c_str(), "+OK %llu %llu", &c, &o) != 2) return "malformed STAT reply: " + r;
    *count = static_cast<std::int64_t>(c);
    *octets = o;
    return "";
}

// Connects and logs in; a refusal is reported with the server's words.
std::string login(const Target& t, const std::string& user, Connection* conn) {
    if (std::string e = Connection::connect_loopback(t.port, conn); !e.empty()) return e;
    if (t.tls)
        if (std::string e = conn->start_tls(); !e.empty()) return e;
    if (std::string e = conn->expect_ok(); !e.empty()) return "greeting: " + e;
    if (std::string e = conn->command("USER " + user); !e.empty()) return e;
    if (std::string e = conn->command("PASS " + t.password); !e.empty()) return "refused: " + e;
    return "";
}

std::string stat(Connection& conn, std::int64_t expect_count, std::int64_t* count,
                 std::uint64_t* octets) {
    std::string_view reply;
    if (std::string e = conn.command("STAT", &reply); !e.empty()) return e;
    if (std::string e = parse_stat(reply, count, octets); !e.empty()) return e;
    if (expect_count >= 0 && *count != expect_count)
        return "STAT says " + std::to_string(*count) + " messages, expected " +
               std::to_string(expect_count);
    return "";
}

double percentile(std::vector<double>& v, double p) {
    std::sort(v.begin(), v.end());
    std::size_t rank = static_cast<std::size_t>(p * static_cast<double>(v.size()) + 0.999999);
    return v[std::min(v.size(), std::max<std::size_t>(rank, 1)) - 1];
}

// CPU ticks of root and of each of its descendants, by pid.
std::map<int, long long> cpu_of_tree(int root) {
    std::map<int, long long> ticks;
    std::set<int> pids = descendants_of(root);
    pids.insert(root);
    for (int pid : pids)
        if (long long t = cpu_ticks(pid); t >= 0) ticks[pid] = t;
    return ticks;
}

// What the server's processes spent between two snapshots: all of them, and
// those running as relay_uid (-1: none). Processes that came or went between
// the snapshots are not counted (a retrieval starts and ends none).
struct CpuSpent {
    double all_s = 0, relay_s = 0;
    int relay_processes = 0;
};
CpuSpent cpu_between(const std::map<int, long long>& before, const std::map<int, long long>& after,
                     long relay_uid) {
    static const double tick = 1.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
    CpuSpent spent;
    for (const auto& [pid, t] : after) {
        auto it = before.find(pid);
        if (it == before.end()) continue;
        double s = static_cast<double>(t - it->second) * tick;
        spent.all_s += s;
        if (relay_uid >= 0 && uid_of(pid) == relay_uid) {
            spent.relay_s += s;
            ++spent.relay_processes;
        }
    }
    return spent;
}

// The CPU, in ticks, that the process tree under root has spent in all so
// far, including the processes it has reaped: for sessions that come and go.
long long cpu_of_tree_with_reaped(int root) {
    std::set<int> pids = descendants_of(root);
    pids.insert(root);
    long long total = 0;
    for (int pid : pids)
        if (long long t = cpu_ticks_with_children(pid); t >= 0) total += t;
    return total;
}

}  // namespace

std::string run_login_rate(const Target& t, int concurrency, double seconds,
                           std::int64_t expect_count, std::string* out) {
    if (static_cast<int>(t.users.size()) < concurrency) return "need one user per session";
    std::mutex lock;
    std::vector<double> latencies;
    std::string failure;
    std::atomic<bool> stop{false};
    long long cpu_before = t.cpu_root_pid > 0 ? cpu_of_tree_with_reaped(t.cpu_root_pid) : 0;
    auto start = Clock::now();
    auto deadline = start + std::chrono::duration<double>(seconds);
    auto worker = [&](const std::string& user) {
        std::vector<double> mine;
        while (!stop && Clock::now() < deadline && mine.size() < kMaxLoginSamples) {
            auto t0 = Clock::now();
            Connection conn;
            std::int64_t count;
            std::uint64_t octets;
            std::string e = login(t, user, &conn);
            if (e.empty()) e = stat(conn, expect_count, &count, &octets);
            if (e.empty()) e = conn.command("QUIT");
            if (!e.empty()) {
                std::lock_guard<std::mutex> g(lock);
                if (failure.empty()) failure = user + ": " + e;
                stop = true;
                return;
            }
            mine.push_back(seconds_between(t0, Clock::now()));
        }
        std::lock_guard<std::mutex> g(lock);
        latencies.insert(latencies.end(), mine.begin(), mine.end());
    };
    std::vector<std::thread> threads;
    for (int i = 0; i < concurrency; ++i) threads.emplace_back(worker, t.users[i]);
    for (auto& th : threads) th.join();
    double elapsed = seconds_between(start, Clock::now());
    if (!failure.empty()) return failure;
    std::string cpu;
    if (t.cpu_root_pid > 0 && !latencies.empty()) {
        // Sessions end at QUIT's reply, before their processes are reaped.
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        double ticks = static_cast<double>(cpu_of_tree_with_reaped(t.cpu_root_pid) - cpu_before);
        cpu = fmt(" server_cpu_ms_per_login=%.2f",
                  1e3 * ticks / static_cast<double>(sysconf(_SC_CLK_TCK)) /
                      static_cast<double>(latencies.size()));
    }
    if (latencies.empty()) return "no session completed";
    std::size_t n = latencies.size();
    *out = "sessions=" + std::to_string(n) + fmt(" sessions_per_s=%.2f", n / elapsed) +
           fmt(" p50_ms=%.2f", 1e3 * percentile(latencies, 0.50)) +
           fmt(" p99_ms=%.2f", 1e3 * percentile(latencies, 0.99)) + cpu;
    return "";
}

std::string load_maildrop(const std::string& manifest_path, const std::string& mbox_path,
                          Maildrop* out) {
    if (std::string e = load_manifest(manifest_path, &out->manifest); !e.empty()) return e;
    if (std::string e = MappedFile::open(mbox_path, &out->mbox); !e.empty()) return e;
    for (const auto& m : out->manifest.messages)
        if (m.offset + m.length > out->mbox.size()) return "manifest does not fit " + mbox_path;
    return "";
}

namespace {

// RETR (and DELE) of every message of an opened session, each checked.
std::string retrieve_checked(Connection& conn, const Maildrop& drop, bool delete_each,
                             double* retr_seconds) {
    auto t0 = Clock::now();
    std::size_t n = drop.manifest.messages.size();
    for (std::size_t i = 0; i < n; ++i) {
        const MessageEntry& m = drop.manifest.messages[i];
        std::string number = std::to_string(i + 1);
        if (std::string e = conn.command("RETR " + number); !e.empty()) return e;
        std::uint64_t octets = 0;
        if (std::string e = conn.read_body_matching(drop.mbox.data() + m.offset, m.length, &octets);
            !e.empty())
            return "message " + number + ": " + e;
        if (delete_each)
            if (std::string e = conn.command("DELE " + number); !e.empty()) return e;
    }
    *retr_seconds = seconds_between(t0, Clock::now());
    return "";
}

}  // namespace

std::string run_retrieve_all(const Target& t, const Maildrop& drop, bool delete_each,
                             std::string* out) {
    auto t0 = Clock::now();
    Connection conn;
    if (std::string e = login(t, t.users.at(0), &conn); !e.empty()) return e;
    std::int64_t count;
    std::uint64_t octets;
    auto expect = static_cast<std::int64_t>(drop.manifest.messages.size());
    if (std::string e = stat(conn, expect, &count, &octets); !e.empty()) return e;
    if (octets != drop.manifest.total_wire_octets())
        return "STAT says " + std::to_string(octets) + " octets, expected " +
               std::to_string(drop.manifest.total_wire_octets());
    long relay_uid = -1;
    if (!t.relay_user.empty()) {
        const passwd* pw = getpwnam(t.relay_user.c_str());
        if (pw == nullptr) return "no user " + t.relay_user;
        relay_uid = static_cast<long>(pw->pw_uid);
    }
    std::map<int, long long> cpu_before;
    if (t.cpu_root_pid > 0) cpu_before = cpu_of_tree(t.cpu_root_pid);
    double retr_seconds = 0;
    if (std::string e = retrieve_checked(conn, drop, delete_each, &retr_seconds); !e.empty())
        return e;
    std::string cpu;
    if (t.cpu_root_pid > 0) {
        CpuSpent spent = cpu_between(cpu_before, cpu_of_tree(t.cpu_root_pid), relay_uid);
        double mib = drop.manifest.total_wire_octets() / kMiB;
        cpu = fmt(" server_cpu_s=%.2f", spent.all_s) +
              fmt(" server_cpu_ms_per_mib=%.2f", 1e3 * spent.all_s / mib);
        if (relay_uid >= 0) {
            if (spent.relay_processes == 0) return "no process of the server runs as " + t.relay_user;
            cpu += fmt(" relay_cpu_s=%.2f", spent.relay_s) +
                   fmt(" relay_cpu_ms_per_mib=%.2f", 1e3 * spent.relay_s / mib) +
                   " relay_processes=" + std::to_string(spent.relay_processes);
        }
    }
    if (std::string e = conn.command("QUIT"); !e.empty()) return e;
    double session = seconds_between(t0, Clock::now());
    if (delete_each) {
        Connection check;
        if (std::string e = login(t, t.users.at(0), &check); !e.empty()) return "after: " + e;
        if (std::string e = stat(check, 0, &count, &octets); !e.empty()) return "after: " + e;
        if (std::string e = check.command("QUIT"); !e.empty()) return "after: " + e;
    }
    *out = "messages=" + std::to_string(expect) + fmt(" mib=%.1f", drop.manifest.total_wire_octets() / kMiB) +
           fmt(" retr_s=%.3f", retr_seconds) +
           fmt(" mib_per_s=%.1f", drop.manifest.total_wire_octets() / kMiB / retr_seconds) +
           fmt(" session_s=%.3f", session) + cpu;
    if (t.tls) *out += " tls=" + conn.tls_negotiated();
    return "";
}

std::string run_open(const Target& t, std::int64_t expect_count, std::string* out) {
    auto t0 = Clock::now();
    Connection conn;
    if (std::string e = login(t, t.users.at(0), &conn); !e.empty()) return e;
    auto t_pass = Clock::now();
    std::int64_t count;
    std::uint64_t octets;
    if (std::string e = stat(conn, expect_count, &count, &octets); !e.empty()) return e;
    auto t_stat = Clock::now();
    if (std::string e = conn.command("QUIT"); !e.empty()) return e;
    *out = fmt("pass_s=%.4f", seconds_between(t0, t_pass)) +
           fmt(" stat_s=%.4f", seconds_between(t0, t_stat));
    return "";
}

std::string run_delete_first(const Target& t, std::int64_t expect_count, std::string* out) {
    auto t0 = Clock::now();
    Connection conn;
    if (std::string e = login(t, t.users.at(0), &conn); !e.empty()) return e;
    std::int64_t count;
    std::uint64_t octets;
    if (std::string e = stat(conn, expect_count, &count, &octets); !e.empty()) return e;
    if (std::string e = conn.command("DELE 1"); !e.empty()) return e;
    auto t_quit = Clock::now();
    if (std::string e = conn.command("QUIT"); !e.empty()) return e;
    auto t_end = Clock::now();
    Connection check;
    if (std::string e = login(t, t.users.at(0), &check); !e.empty()) return "after: " + e;
    if (std::string e = stat(check, expect_count - 1, &count, &octets); !e.empty())
        return "after: " + e;
    if (std::string e = check.command("QUIT"); !e.empty()) return "after: " + e;
    *out = fmt("quit_s=%.4f", seconds_between(t_quit, t_end)) +
           fmt(" session_s=%.4f", seconds_between(t0, t_end));
    return "";
}

std::string run_session_memory(const Target& t, int root_pid, std::string* out) {
    {   // A first session starts whatever a server starts once (auth workers).
        Connection warm;
        if (std::string e = login(t, t.users.at(0), &warm); !e.empty()) return e;
        if (std::string e = warm.command("QUIT"); !e.empty()) return e;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    std::set<int> before = descendants_of(root_pid);
    std::vector<Connection> sessions(t.users.size());
    for (std::size_t i = 0; i < t.users.size(); ++i) {
        std::int64_t count;
        std::uint64_t octets;
        if (std::string e = login(t, t.users[i], &sessions[i]); !e.empty()) return e;
        if (std::string e = stat(sessions[i], -1, &count, &octets); !e.empty()) return e;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    long total = 0;
    int processes = 0;
    for (int pid : descendants_of(root_pid)) {
        if (before.count(pid) != 0) continue;
        long kib = pss_kib(pid);
        if (kib < 0) continue;
        total += kib;
        ++processes;
    }
    for (auto& s : sessions)
        if (std::string e = s.command("QUIT"); !e.empty()) return e;
    double n = static_cast<double>(t.users.size());
    *out = "sessions=" + std::to_string(t.users.size()) +
           fmt(" processes_per_session=%.2f", processes / n) +
           fmt(" pss_kib_per_session=%.0f", total / n);
    return "";
}

std::string run_loopback_limit(int port, const Maildrop& drop, std::string* out) {
    TrivialSender sender;
    if (std::string e = TrivialSender::start(port, drop.manifest, drop.mbox, &sender); !e.empty())
        return e;
    std::string served;
    std::thread server([&] { served = sender.serve_one(); });
    Target t;
    t.port = port;
    t.users = {"loopback"};
    t.password = "loopback";
    std::string e = run_retrieve_all(t, drop, false, out);
    if (!e.empty()) sender.stop();
    server.join();
    if (!e.empty()) return e;
    return served.empty() ? "" : "trivial sender: " + served;
}

}  // namespace bench
