#include "tests/common/mbox/update/crash_states.h"

#include <random>
#include <string>
#include <unordered_set>
#include <vector>

namespace pop3d::mbox::test {
namespace {

using Kind = FileOp::Kind;

bool is_change(const FileOp& op) { return op.kind != Kind::sync_file && op.kind != Kind::sync_dir; }
bool is_directory_change(const FileOp& op) {
    return op.kind == Kind::create || op.kind == Kind::rename || op.kind == Kind::unlink;
}

std::string directory_of(const std::string& path) {
    std::size_t slash = path.rfind('/');
    return slash == std::string::npos ? "." : path.substr(0, slash);
}

// Whether the sync `sync` makes the earlier change `op` durable.
bool covers(const FileOp& sync, const FileOp& op) {
    if (sync.kind == Kind::sync_file) return !is_directory_change(op) && op.inode == sync.inode;
    if (is_directory_change(op)) {
        if (directory_of(op.path) == sync.path) return true;
        return op.kind == Kind::rename && directory_of(op.to) == sync.path;
    }
    return false;
}

void apply(DiskImage& image, const FileOp& op) {
    switch (op.kind) {
    case Kind::create:
        image.names[op.path] = op.inode;
        break;
    case Kind::write: {
        std::string& c = image.contents[op.inode];
        if (c.size() < op.offset + op.bytes.size()) c.resize(op.offset + op.bytes.size(), '\0');
        c.replace(op.offset, op.bytes.size(), op.bytes);
        break;
    }
    case Kind::truncate:
        image.contents[op.inode].resize(op.size, '\0');
        break;
    case Kind::rename:
        image.names.erase(op.path);
        image.names[op.to] = op.inode;
        break;
    case Kind::unlink:
        image.names.erase(op.path);
        break;
    case Kind::sync_file:
    case Kind::sync_dir:
        break;
    }
}

std::size_t fingerprint(const DiskImage& image) {
    std::string all;
    for (const auto& [name, inode] : image.names) {
        all += name;
        all += '\0';
        auto it = image.contents.find(inode);
        if (it != image.contents.end()) all += it->second;
        all += '\1' + std::to_string(it == image.contents.end() ? 0 : it->second.size()) + '\1';
    }
    return std::hash<std::string>{}(all);
}

std::vector<std::vector<bool>> subsets(std::size_t n, const CrashSampling& sampling, std::mt19937_64& rng) {
    std::vector<std::vector<bool>> out;
    if (n <= sampling.exhaustive_up_to) {
        for (std::uint64_t mask = 0; mask < (std::uint64_t{1} << n); ++mask) {
            std::vector<bool> pick(n);
            for (std::size_t i = 0; i < n; ++i) pick[i] = (mask >> i) & 1;
            out.push_back(std::move(pick));
        }
        return out;
    }
    out.push_back(std::vector<bool>(n, false));
    out.push_back(std::vector<bool>(n, true));
    for (std::size_t i = 0; i < n; ++i) {
        std::vector<bool> only(n, false), all_but(n, true);
        only[i] = true;
        all_but[i] = false;
        out.push_back(std::move(only));
        out.push_back(std::move(all_but));
    }
    std::bernoulli_distribution coin(0.5);
    for (std::size_t s = 0; s < sampling.samples; ++s) {
        std::vector<bool> pick(n);
        for (std::size_t i = 0; i < n; ++i) pick[i] = coin(rng);
        out.push_back(std::move(pick));
    }
    return out;
}

}  // namespace

CrashCounts for_each_crash_image(const DiskImage& initial, const std::vector<FileOp>& ops,
                                 const CrashSampling& sampling,
                                 const std::function<void(const DiskImage&, std::size_t)>& visit) {
    CrashCounts counts;
    std::mt19937_64 rng(sampling.seed);
    std::vector<bool> durable(ops.size(), false);
    std::unordered_set<std::size_t> seen;
    for (std::size_t at = 0; at <= ops.size(); ++at) {
        bool barrier = at == ops.size() || !is_change(ops[at]);
        if (!barrier) continue;
        ++counts.crash_points;
        std::vector<std::size_t> pending;
        for (std::size_t j = 0; j < at; ++j)
            if (is_change(ops[j]) && !durable[j]) pending.push_back(j);
        counts.largest_pending = std::max(counts.largest_pending, pending.size());
        for (const std::vector<bool>& pick : subsets(pending.size(), sampling, rng)) {
            ++counts.images;
            DiskImage image = initial;
            std::size_t next = 0;
            for (std::size_t j = 0; j < at; ++j) {
                if (!is_change(ops[j])) continue;
                bool chosen = durable[j];
                if (next < pending.size() && pending[next] == j) chosen = pick[next++];
                if (chosen) apply(image, ops[j]);
            }
            if (seen.insert(fingerprint(image)).second) {
                ++counts.distinct;
                visit(image, at);
            }
        }
        if (at < ops.size()) {
            for (std::size_t j = 0; j < at; ++j)
                if (is_change(ops[j]) && covers(ops[at], ops[j])) durable[j] = true;
        }
    }
    return counts;
}

}  // namespace pop3d::mbox::test
