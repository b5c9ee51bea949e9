// Shared by the UPDATE tests: files in a temporary directory on the real disk,
// random mbox-like contents, the expected result of a rewrite, and a
// RewriteIo that stops the process or fails a call at a chosen call number.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "common/mbox/update/rewrite.h"

namespace pop3d::mbox::test {

// A fresh directory, removed with its files when the object goes. The
// default base is on the real disk; fast_base() is memory (fsync is free),
// for the tests that rewrite thousands of times.
class TempDir {
public:
    explicit TempDir(const std::string& base = "/var/tmp");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

std::string fast_base();

// Sends stderr (the log lines of the many recoveries) to /dev/null while alive.
class QuietStderr {
public:
    QuietStderr();
    ~QuietStderr();
    QuietStderr(const QuietStderr&) = delete;
    QuietStderr& operator=(const QuietStderr&) = delete;

private:
    int saved_;
};

void write_file(const std::string& path, const std::string& bytes);
std::string read_file(const std::string& path);
bool exists(const std::string& path);

// A random mbox: `count` messages, each a "From " line and random bytes
// (NULs and CRs included), ending in "\n\n" except maybe the last.
struct Mbox {
    std::string bytes;
    std::vector<Range> messages;
};
Mbox random_mbox(std::mt19937_64& rng, std::size_t count, std::size_t max_body);

// The ranges of the messages whose index is in `kept`.
std::vector<Range> ranges_of(const Mbox& mbox, const std::vector<std::size_t>& kept);
// What the file must hold after rewrite(keep, read_size) of `old`.
std::string expected_after(const std::string& old, const std::vector<Range>& keep,
                           std::uint64_t read_size);

// Counts calls; at call number `at` (1-based) raises SIGKILL or fails the
// call with `err`. at = 0 only counts.
class FaultIo final : public RewriteIo {
public:
    enum class Action { count, kill, fail };
    FaultIo(long at = 0, Action action = Action::count, int err = 0)
        : at_(at), action_(action), err_(err) {}
    long calls() const { return calls_; }
    // Whether the call at `at` was one whose failure the rewriter only logs
    // (sync_file_range, a hint; futimens, the access time).
    bool hit_a_hint() const { return hit_hint_; }

    ssize_t pread(int fd, void* buf, std::size_t n, std::uint64_t off) override;
    ssize_t pwrite(int fd, const void* buf, std::size_t n, std::uint64_t off) override;
    int fsync(int fd) override;
    int fdatasync(int fd) override;
    int sync_file_range(int fd, std::uint64_t off, std::uint64_t n) override;
    int fstat(int fd, struct stat* st) override;
    int futimens(int fd, const struct timespec times[2]) override;
    int ftruncate(int fd, std::uint64_t size) override;
    int open(const char* path, int flags, int mode) override;
    int close(int fd) override;
    int unlink(const char* path) override;
    int rename(const char* from, const char* to) override;

private:
    bool hit(bool hint = false);
    bool hit_hint_ = false;
    long at_;
    Action action_;
    int err_;
    long calls_ = 0;
};

// Opens path read-write; fails the test when it cannot.
int open_rw(const std::string& path);

}  // namespace pop3d::mbox::test
