#include "tests/common/mbox/update/rewrite_fixture.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace pop3d::mbox::test {

TempDir::TempDir(const std::string& base) {
    std::string name = base + "/p3rewrite.XXXXXX";
    char* made = ::mkdtemp(name.data());
    if (made == nullptr) ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
    path_ = made ? made : "";
}

TempDir::~TempDir() {
    if (path_.empty()) return;
    if (DIR* dir = ::opendir(path_.c_str())) {
        while (struct dirent* e = ::readdir(dir)) {
            std::string name = e->d_name;
            if (name != "." && name != "..") ::unlink(file(name).c_str());
        }
        ::closedir(dir);
    }
    ::rmdir(path_.c_str());
}

std::string fast_base() {
    struct stat st;
    if (::stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode)) return "/dev/shm";
    return "/var/tmp";
}

QuietStderr::QuietStderr() : saved_(::dup(STDERR_FILENO)) {
    int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null >= 0) {
        ::dup2(null, STDERR_FILENO);
        ::close(null);
    }
}

QuietStderr::~QuietStderr() {
    if (saved_ >= 0) {
        ::dup2(saved_, STDERR_FILENO);
        ::close(saved_);
    }
}

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    ASSERT_TRUE(out.good()) << path;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

bool exists(const std::string& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
}

Mbox random_mbox(std::mt19937_64& rng, std::size_t count, std::size_t max_body) {
    Mbox mbox;
    std::uniform_int_distribution<std::size_t> body_len(0, max_body);
    std::uniform_int_distribution<int> byte(0, 255);
    for (std::size_t i = 0; i < count; ++i) {
        std::uint64_t start = mbox.bytes.size();
        mbox.bytes += "From sender" + std::to_string(i) + "@example.org Mon Nov 23 10:00:00 2026\n";
        std::size_t n = body_len(rng);
        for (std::size_t j = 0; j < n; ++j) mbox.bytes += static_cast<char>(byte(rng));
        if (i + 1 < count || byte(rng) % 2 == 0) mbox.bytes += "\n\n";
        mbox.messages.push_back(Range{start, mbox.bytes.size() - start});
    }
    return mbox;
}

std::vector<Range> ranges_of(const Mbox& mbox, const std::vector<std::size_t>& kept) {
    std::vector<Range> out;
    for (std::size_t i : kept) out.push_back(mbox.messages[i]);
    return out;
}

std::string expected_after(const std::string& old, const std::vector<Range>& keep,
                           std::uint64_t read_size) {
    std::string out;
    for (const Range& r : keep) out += old.substr(r.offset, r.length);
    return out + old.substr(read_size);
}

bool FaultIo::hit(bool hint) {
    ++calls_;
    if (calls_ != at_) return false;
    hit_hint_ = hint;
    if (action_ == Action::kill) ::raise(SIGKILL);
    if (action_ == Action::fail) {
        errno = err_;
        return true;
    }
    return false;
}

ssize_t FaultIo::pread(int fd, void* buf, std::size_t n, std::uint64_t off) {
    return hit() ? -1 : system_io().pread(fd, buf, n, off);
}
ssize_t FaultIo::pwrite(int fd, const void* buf, std::size_t n, std::uint64_t off) {
    return hit() ? -1 : system_io().pwrite(fd, buf, n, off);
}
int FaultIo::fsync(int fd) { return hit() ? -1 : system_io().fsync(fd); }
int FaultIo::fdatasync(int fd) { return hit() ? -1 : system_io().fdatasync(fd); }
int FaultIo::sync_file_range(int fd, std::uint64_t off, std::uint64_t n) {
    return hit(true) ? -1 : system_io().sync_file_range(fd, off, n);
}
int FaultIo::fstat(int fd, struct stat* st) { return hit() ? -1 : system_io().fstat(fd, st); }
int FaultIo::futimens(int fd, const struct timespec times[2]) {
    return hit(true) ? -1 : system_io().futimens(fd, times);
}
int FaultIo::ftruncate(int fd, std::uint64_t size) {
    return hit() ? -1 : system_io().ftruncate(fd, size);
}
int FaultIo::open(const char* path, int flags, int mode) {
    return hit() ? -1 : system_io().open(path, flags, mode);
}
int FaultIo::close(int fd) {
    if (hit()) {
        system_io().close(fd);  // the descriptor is gone either way, as with EIO from close(2)
        return -1;
    }
    return system_io().close(fd);
}
int FaultIo::unlink(const char* path) { return hit() ? -1 : system_io().unlink(path); }
int FaultIo::rename(const char* from, const char* to) {
    return hit() ? -1 : system_io().rename(from, to);
}

int open_rw(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    EXPECT_GE(fd, 0) << path << ": " << std::strerror(errno);
    return fd;
}

}  // namespace pop3d::mbox::test
