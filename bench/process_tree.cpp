#include "bench/process_tree.h"

#include <dirent.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

namespace bench {
namespace {

// The fields of /proc/PID/stat after the command name (state first).
bool stat_fields(int pid, std::vector<std::string>* fields) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::size_t close = stat.rfind(')');
    if (close == std::string::npos) return false;
    std::istringstream rest(stat.substr(close + 1));
    std::string field;
    while (rest >> field) fields->push_back(field);
    return true;
}

// The first number after `key` ("Pss:") at the start of a line of the
// /proc file `path`; -1 when there is none (the process is gone).
long number_after(const std::string& path, const std::string& key) {
    std::ifstream in(path);
    std::string word;
    while (in >> word) {
        if (word == key) {
            long number = -1;
            in >> number;
            return number;
        }
        std::string rest;
        std::getline(in, rest);
    }
    return -1;
}

int parent_of(int pid) {
    std::vector<std::string> f;
    if (!stat_fields(pid, &f) || f.size() < 2) return -1;
    return std::atoi(f[1].c_str());
}

}  // namespace

std::set<int> descendants_of(int root) {
    std::multimap<int, int> children;
    DIR* dir = opendir("/proc");
    if (dir == nullptr) return {};
    while (dirent* entry = readdir(dir)) {
        char* end;
        long pid = std::strtol(entry->d_name, &end, 10);
        if (*end != '\0' || pid <= 0) continue;
        int ppid = parent_of(static_cast<int>(pid));
        if (ppid > 0) children.emplace(ppid, static_cast<int>(pid));
    }
    closedir(dir);
    std::set<int> found;
    std::vector<int> todo{root};
    while (!todo.empty()) {
        int p = todo.back();
        todo.pop_back();
        auto range = children.equal_range(p);
        for (auto it = range.first; it != range.second; ++it)
            if (found.insert(it->second).second) todo.push_back(it->second);
    }
    return found;
}

long pss_kib(int pid) { return number_after("/proc/" + std::to_string(pid) + "/smaps_rollup", "Pss:"); }

}  // namespace bench

namespace bench {

long long cpu_ticks(int pid) {
    // utime and stime: fields 14 and 15 of stat, indices 11 and 12 after the name.
    std::vector<std::string> f;
    if (!stat_fields(pid, &f) || f.size() < 13) return -1;
    return std::atoll(f[11].c_str()) + std::atoll(f[12].c_str());
}

long long cpu_ticks_with_children(int pid) {
    std::vector<std::string> f;
    if (!stat_fields(pid, &f) || f.size() < 15) return -1;
    return std::atoll(f[11].c_str()) + std::atoll(f[12].c_str()) + std::atoll(f[13].c_str()) +
           std::atoll(f[14].c_str());
}

long uid_of(int pid) { return number_after("/proc/" + std::to_string(pid) + "/status", "Uid:"); }

}  // namespace bench
