// The recording half of the crash harness (in the manner of ALICE and
// CrashMonkey): a RewriteIo that performs every call on the real files and
// logs each change to a file or a directory (writes cut into 4 KiB pages,
// truncations, creations, renames, unlinks) and each fsync/fdatasync, so
// that crash_states.h can rebuild what a power cut at any instant may leave
// on the disk. It can also stop "dying" after a given call: every later
// call fails without effect, which is what a SIGKILL leaves (the page cache
// holds what was done, nothing more happens).
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/mbox/update/rewrite.h"

namespace pop3d::mbox::test {

struct FileOp {
    enum class Kind { create, write, truncate, rename, unlink, sync_file, sync_dir };
    Kind kind = Kind::write;
    int inode = -1;        // create, write, truncate, rename, unlink, sync_file
    std::string path;      // create, rename (from), unlink, sync_dir (the directory)
    std::string to;        // rename
    std::uint64_t offset = 0;  // write
    std::string bytes;     // write
    std::uint64_t size = 0;    // truncate
};

// The files the harness knows before the recorded calls, all on disk.
struct DiskImage {
    std::map<std::string, int> names;     // path -> inode
    std::map<int, std::string> contents;  // inode -> bytes
};

class RecordingIo final : public RewriteIo {
public:
    // A file that exists before the recorded calls, taken as durable.
    void add_existing(const std::string& path);
    const DiskImage& initial() const { return initial_; }
    const std::vector<FileOp>& ops() const { return ops_; }
    long calls() const { return calls_; }
    // After `calls` more calls every call fails (EIO) without effect; 0: never.
    void die_after(long calls) { dies_at_ = calls == 0 ? 0 : calls_ + calls; }
    void revive() { dies_at_ = 0; }
    // An append by a delivery agent, which fsyncs it as a careful one does.
    void append_as_mda(const std::string& path, const std::string& mail);

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
    bool dead();
    int inode_of_fd(int fd);
    int inode_of_path(const std::string& path);  // -1: absent
    int fresh_inode(const struct stat& st);
    void record_sync(int fd);

    DiskImage initial_;
    std::vector<FileOp> ops_;
    std::map<std::pair<dev_t, ino_t>, int> inodes_;
    std::map<int, std::string> dirs_;  // fd -> directory path, for fsync of a directory
    int next_inode_ = 0;
    long calls_ = 0;
    long dies_at_ = 0;
};

}  // namespace pop3d::mbox::test
