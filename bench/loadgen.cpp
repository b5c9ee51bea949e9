// The benchmark's load generator: makes the maildrops and runs one scenario
// per invocation against a POP3 server on 127.0.0.1 (see bench/run.sh).
//
//   loadgen gen --seed S --count N --bytes B --mbox F --manifest F
//   loadgen login --port P --users a,b,.. --password W --concurrency C --seconds T [--expect N]
//                 [--cpu-root PID]
//   loadgen retr --port P --users U --password W --manifest F --mbox F [--delete]
//                [--cpu-root PID [--relay-user NAME]]
//   loadgen open --port P --users U --password W --expect N
//   loadgen dele1 --port P --users U --password W --expect N
//   loadgen pss --port P --users a,b,.. --password W --root-pid PID
//   loadgen loopback --port P --manifest F --mbox F
//
// Any scenario but gen and loopback takes --tls: implicit TLS (POP3S), a full
// handshake for every connection. retr with --cpu-root also reports the CPU
// the server's processes (descendants of PID) spent during the RETRs, and
// with --relay-user that of those running as NAME (the TLS relay); login
// with --cpu-root the CPU the server spent per login, its reaped processes
// included.
//
// Prints one line of key=value pairs. Exit status: 0 a figure, 1 a failure
// (a wrong byte, an unexpected reply, no server), 2 bad usage, 3 the server
// refused the login (the harness reports "not available").
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "bench/maildrop_gen.h"
#include "bench/scenarios.h"

namespace {

using Options = std::map<std::string, std::string>;

int usage(const char* why) {
    std::fprintf(stderr, "loadgen: %s (see the comment at the top of bench/loadgen.cpp)\n", why);
    return 2;
}

bool parse_options(int argc, char** argv, Options* out) {
    for (int i = 2; i < argc; ++i) {
        std::string key = argv[i];
        if (key.rfind("--", 0) != 0) return false;
        if (key == "--delete" || key == "--tls") {
            (*out)[key.substr(2)] = "1";
            continue;
        }
        if (i + 1 >= argc) return false;
        (*out)[key.substr(2)] = argv[++i];
    }
    return true;
}

bool number(const Options& o, const char* key, long long* out) {
    auto it = o.find(key);
    if (it == o.end()) return false;
    char* end;
    *out = std::strtoll(it->second.c_str(), &end, 10);
    return *end == '\0' && !it->second.empty();
}

std::string text(const Options& o, const char* key) {
    auto it = o.find(key);
    return it == o.end() ? "" : it->second;
}

std::vector<std::string> split_users(const std::string& list) {
    std::vector<std::string> users;
    std::size_t start = 0;
    while (start <= list.size()) {
        std::size_t comma = list.find(',', start);
        if (comma == std::string::npos) comma = list.size();
        if (comma > start) users.push_back(list.substr(start, comma - start));
        start = comma + 1;
    }
    return users;
}

int finish(const std::string& error, const std::string& line) {
    if (!error.empty()) {
        // Only a refused login means "this server does not serve that":
        // a server that stops answering mid-run is a failure.
        bool unavailable = error.rfind("refused: ", 0) == 0;
        std::fprintf(stderr, "loadgen: %s\n", error.c_str());
        return unavailable ? 3 : 1;
    }
    std::printf("%s\n", line.c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage("no scenario given");
    std::string mode = argv[1];
    Options o;
    if (!parse_options(argc, argv, &o)) return usage("malformed options");
    long long port = 0, value = 0;
    bench::Target target;
    if (number(o, "port", &port)) target.port = static_cast<int>(port);
    target.users = split_users(text(o, "users"));
    target.password = text(o, "password");
    target.tls = o.count("tls") != 0;
    if (number(o, "cpu-root", &value)) target.cpu_root_pid = static_cast<int>(value);
    target.relay_user = text(o, "relay-user");
    long long expect = -1;
    number(o, "expect", &expect);
    std::string line;

    if (mode == "gen") {
        bench::GenSpec spec;
        long long seed, count, bytes;
        if (!number(o, "seed", &seed) || !number(o, "count", &count) || !number(o, "bytes", &bytes) ||
            count <= 0 || bytes <= 0)
            return usage("gen needs --seed, --count and --bytes");
        spec.seed = static_cast<std::uint64_t>(seed);
        spec.count = static_cast<std::uint32_t>(count);
        spec.approx_bytes = static_cast<std::uint64_t>(bytes);
        std::string e = bench::generate_maildrop(spec, text(o, "mbox"), text(o, "manifest"));
        return finish(e, "generated " + text(o, "mbox"));
    }
    if (target.port <= 0 || target.port > 65535) return usage("--port is required");
    if (mode == "loopback" || mode == "retr") {
        bench::Maildrop drop;
        if (std::string e = bench::load_maildrop(text(o, "manifest"), text(o, "mbox"), &drop);
            !e.empty())
            return finish(e, "");
        if (mode == "loopback") return finish(bench::run_loopback_limit(target.port, drop, &line), line);
        if (target.users.empty()) return usage("--users is required");
        return finish(bench::run_retrieve_all(target, drop, o.count("delete") != 0, &line), line);
    }
    if (target.users.empty()) return usage("--users is required");
    if (mode == "login") {
        long long concurrency = 0;
        if (!number(o, "concurrency", &concurrency) || !number(o, "seconds", &value) ||
            concurrency <= 0 || value <= 0)
            return usage("login needs --concurrency and --seconds");
        return finish(bench::run_login_rate(target, static_cast<int>(concurrency),
                                            static_cast<double>(value), expect, &line),
                      line);
    }
    if (mode == "open") return finish(bench::run_open(target, expect, &line), line);
    if (mode == "dele1") {
        if (expect <= 0) return usage("dele1 needs --expect");
        return finish(bench::run_delete_first(target, expect, &line), line);
    }
    if (mode == "pss") {
        if (!number(o, "root-pid", &value) || value <= 1) return usage("pss needs --root-pid");
        return finish(bench::run_session_memory(target, static_cast<int>(value), &line), line);
    }
    return usage("unknown scenario");
}
