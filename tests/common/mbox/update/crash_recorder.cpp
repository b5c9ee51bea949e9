#include "tests/common/mbox/update/crash_recorder.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

#include "tests/common/mbox/update/rewrite_fixture.h"

namespace pop3d::mbox::test {
namespace {

constexpr std::uint64_t page = 4096;

}  // namespace

bool RecordingIo::dead() {
    ++calls_;
    if (dies_at_ != 0 && calls_ > dies_at_) {
        errno = EIO;
        return true;
    }
    return false;
}

int RecordingIo::fresh_inode(const struct stat& st) {
    int id = next_inode_++;
    inodes_[{st.st_dev, st.st_ino}] = id;
    return id;
}

int RecordingIo::inode_of_fd(int fd) {
    struct stat st;
    if (::fstat(fd, &st) != 0) return -1;
    auto it = inodes_.find({st.st_dev, st.st_ino});
    return it == inodes_.end() ? fresh_inode(st) : it->second;
}

int RecordingIo::inode_of_path(const std::string& path) {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) return -1;
    auto it = inodes_.find({st.st_dev, st.st_ino});
    return it == inodes_.end() ? fresh_inode(st) : it->second;
}

void RecordingIo::add_existing(const std::string& path) {
    struct stat st;
    ASSERT_EQ(::lstat(path.c_str(), &st), 0) << path;
    int id = fresh_inode(st);
    initial_.names[path] = id;
    initial_.contents[id] = read_file(path);
}

void RecordingIo::append_as_mda(const std::string& path, const std::string& mail) {
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    ASSERT_GE(fd, 0) << path;
    struct stat st;
    ASSERT_EQ(::fstat(fd, &st), 0);
    int id = inode_of_fd(fd);
    ASSERT_EQ(::write(fd, mail.data(), mail.size()), static_cast<ssize_t>(mail.size()));
    ASSERT_EQ(::fsync(fd), 0);
    ::close(fd);
    std::uint64_t at = static_cast<std::uint64_t>(st.st_size);
    FileOp w{FileOp::Kind::write, id, "", "", at, mail, 0};
    ops_.push_back(w);
    ops_.push_back(FileOp{FileOp::Kind::sync_file, id, "", "", 0, "", 0});
}

ssize_t RecordingIo::pread(int fd, void* buf, std::size_t n, std::uint64_t off) {
    if (dead()) return -1;
    return ::pread(fd, buf, n, static_cast<off_t>(off));
}

ssize_t RecordingIo::pwrite(int fd, const void* buf, std::size_t n, std::uint64_t off) {
    if (dead()) return -1;
    ssize_t r = ::pwrite(fd, buf, n, static_cast<off_t>(off));
    if (r <= 0) return r;
    // Each page may reach the disk on its own.
    int id = inode_of_fd(fd);
    const char* bytes = static_cast<const char*>(buf);
    std::uint64_t done = 0;
    while (done < static_cast<std::uint64_t>(r)) {
        std::uint64_t at = off + done;
        std::uint64_t len = std::min<std::uint64_t>(static_cast<std::uint64_t>(r) - done, page - at % page);
        ops_.push_back(FileOp{FileOp::Kind::write, id, "", "", at, std::string(bytes + done, len), 0});
        done += len;
    }
    return r;
}

void RecordingIo::record_sync(int fd) {
    auto dir = dirs_.find(fd);
    if (dir != dirs_.end()) {
        ops_.push_back(FileOp{FileOp::Kind::sync_dir, -1, dir->second, "", 0, "", 0});
    } else {
        ops_.push_back(FileOp{FileOp::Kind::sync_file, inode_of_fd(fd), "", "", 0, "", 0});
    }
}

int RecordingIo::fsync(int fd) {
    if (dead()) return -1;
    int r = ::fsync(fd);
    if (r == 0) record_sync(fd);
    return r;
}

int RecordingIo::fdatasync(int fd) {
    if (dead()) return -1;
    int r = ::fdatasync(fd);
    if (r == 0) record_sync(fd);
    return r;
}

int RecordingIo::sync_file_range(int fd, std::uint64_t off, std::uint64_t n) {
    // Starts writeback only: any subset of pending pages may be on disk
    // anyway, which the states already include.
    if (dead()) return -1;
    return system_io().sync_file_range(fd, off, n);
}

int RecordingIo::fstat(int fd, struct stat* st) {
    if (dead()) return -1;
    return ::fstat(fd, st);
}

int RecordingIo::futimens(int fd, const struct timespec times[2]) {
    if (dead()) return -1;
    return ::futimens(fd, times);
}

int RecordingIo::ftruncate(int fd, std::uint64_t size) {
    if (dead()) return -1;
    int r = ::ftruncate(fd, static_cast<off_t>(size));
    if (r == 0) ops_.push_back(FileOp{FileOp::Kind::truncate, inode_of_fd(fd), "", "", 0, "", size});
    return r;
}

int RecordingIo::open(const char* path, int flags, int mode) {
    if (dead()) return -1;
    bool existed = inode_of_path(path) >= 0;
    int fd = ::open(path, flags, static_cast<mode_t>(mode));
    if (fd < 0) return fd;
    if (flags & O_DIRECTORY) {
        dirs_[fd] = path;
        return fd;
    }
    if ((flags & O_CREAT) && !existed) {
        struct stat st;
        ::fstat(fd, &st);
        int id = fresh_inode(st);  // a new file, even if the number was used before
        ops_.push_back(FileOp{FileOp::Kind::create, id, path, "", 0, "", 0});
    } else if (flags & O_TRUNC) {
        ops_.push_back(FileOp{FileOp::Kind::truncate, inode_of_fd(fd), "", "", 0, "", 0});
    }
    return fd;
}

int RecordingIo::close(int fd) {
    dirs_.erase(fd);
    // The descriptor goes even for a dead process.
    int r = ::close(fd);
    if (dead()) return -1;
    return r;
}

int RecordingIo::unlink(const char* path) {
    if (dead()) return -1;
    int id = inode_of_path(path);
    int r = ::unlink(path);
    if (r == 0) ops_.push_back(FileOp{FileOp::Kind::unlink, id, path, "", 0, "", 0});
    return r;
}

int RecordingIo::rename(const char* from, const char* to) {
    if (dead()) return -1;
    int id = inode_of_path(from);
    int r = ::rename(from, to);
    if (r == 0) ops_.push_back(FileOp{FileOp::Kind::rename, id, from, to, 0, "", 0});
    return r;
}

}  // namespace pop3d::mbox::test
