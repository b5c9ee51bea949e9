#include "common/mbox/state/state_file.h"

#include <endian.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/fd_io.h"
#include "common/limits.h"
#include "common/mbox/format/uid.h"
#include "common/unique_fd.h"

namespace pop3d::mbox {
namespace {

constexpr std::string_view magic = "pop3d-mbox-state-1\n";
constexpr std::size_t checksum_len = 32;

void put64(std::string& out, std::uint64_t v) {
    v = htole64(v);
    out.append(reinterpret_cast<const char*>(&v), 8);
}

void put_text(std::string& out, std::string_view text) {
    out.push_back(static_cast<char>(text.size()));
    out.append(text);
}

class Reader {
public:
    explicit Reader(std::string_view in) : in_(in) {}
    bool u64(std::uint64_t& v) {
        if (in_.size() < 8) return false;
        std::memcpy(&v, in_.data(), 8);
        v = le64toh(v);
        in_.remove_prefix(8);
        return true;
    }
    bool text(std::string_view& t) {
        if (in_.empty()) return false;
        const std::size_t n = static_cast<unsigned char>(in_[0]);
        if (in_.size() < 1 + n) return false;
        t = in_.substr(1, n);
        in_.remove_prefix(1 + n);
        return true;
    }
    bool done() const { return in_.empty(); }

private:
    std::string_view in_;
};

void checksum(std::string_view bytes, unsigned char out[checksum_len]) {
    crypto_generichash(out, checksum_len, reinterpret_cast<const unsigned char*>(bytes.data()),
                       bytes.size(), nullptr, 0);
}

// A descriptor closed through the io that opened it.
struct IoFd {
    RewriteIo& io;
    int fd = -1;
    ~IoFd() {
        if (fd >= 0) io.close(fd);
    }
};

Status write_all(RewriteIo& io, int fd, std::string_view bytes) {
    std::uint64_t at = 0;
    while (at < bytes.size()) {
        const ssize_t n = io.pwrite(fd, bytes.data() + at, bytes.size() - at, at);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return make_error(ErrorKind::temporary, std::string("write: ") + std::strerror(n < 0 ? errno : ENOSPC));
        at += static_cast<std::uint64_t>(n);
    }
    return {};
}

}  // namespace

std::string serialize_state(const State& s) {
    std::string out(magic);
    out.reserve(magic.size() + 80 + s.index.messages.size() * 64 + checksum_len);
    put64(out, s.mbox.dev);
    put64(out, s.mbox.ino);
    put64(out, static_cast<std::uint64_t>(s.mbox.mtime_sec));
    put64(out, static_cast<std::uint64_t>(s.mbox.mtime_nsec));
    put64(out, s.options);
    put64(out, s.index.size);
    put_text(out, s.last_uid);
    put64(out, s.index.messages.size());
    for (std::size_t i = 0; i < s.index.messages.size(); ++i) {
        const IndexedMessage& m = s.index.messages[i];
        put64(out, m.from);
        put64(out, m.body);
        put64(out, m.end);
        put64(out, m.octets);
        put64(out, m.fingerprint);
        put_text(out, s.index.uid(i));
    }
    unsigned char sum[checksum_len];
    checksum(out, sum);
    out.append(reinterpret_cast<const char*>(sum), checksum_len);
    return out;
}

std::optional<State> parse_state(std::string_view bytes) {
    if (bytes.size() < magic.size() + checksum_len || bytes.substr(0, magic.size()) != magic)
        return std::nullopt;
    const std::string_view body = bytes.substr(0, bytes.size() - checksum_len);
    unsigned char sum[checksum_len];
    checksum(body, sum);
    if (sodium_memcmp(sum, bytes.data() + body.size(), checksum_len) != 0) return std::nullopt;

    State s;
    Reader r(body.substr(magic.size()));
    std::uint64_t mtime_sec, mtime_nsec, options, count;
    std::string_view last;
    if (!r.u64(s.mbox.dev) || !r.u64(s.mbox.ino) || !r.u64(mtime_sec) || !r.u64(mtime_nsec) ||
        !r.u64(options) || !r.u64(s.index.size) || !r.text(last) || !r.u64(count))
        return std::nullopt;
    s.mbox.mtime_sec = static_cast<std::int64_t>(mtime_sec);
    s.mbox.mtime_nsec = static_cast<std::int64_t>(mtime_nsec);
    s.options = static_cast<std::uint32_t>(options);
    s.last_uid = std::string(last);
    if (count > body.size() / 42) return std::nullopt;  // each entry takes at least 42 bytes
    s.index.messages.reserve(count);
    for (std::uint64_t i = 0; i < count; ++i) {
        IndexedMessage m;
        std::string_view uid;
        if (!r.u64(m.from) || !r.u64(m.body) || !r.u64(m.end) || !r.u64(m.octets) || !r.u64(m.fingerprint) || !r.text(uid) ||
            !valid_uid(uid))
            return std::nullopt;
        s.index.add(m, uid);
    }
    if (!r.done()) return std::nullopt;
    return s;
}

std::optional<State> load_state(const std::string& path) {
    UniqueFd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!f.valid()) return std::nullopt;
    struct stat st;
    if (::fstat(f.get(), &st) != 0 || !S_ISREG(st.st_mode) ||
        static_cast<std::uint64_t>(st.st_size) > limits::state_file_max)
        return std::nullopt;
    std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
    auto got = read_up_to(f.get(), bytes.data(), bytes.size());
    if (!got || *got != bytes.size()) return std::nullopt;
    return parse_state(bytes);
}

namespace {

Status sync_directory_of(const std::string& path, RewriteIo& io) {
    const std::string dir = path.substr(0, path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/'));
    IoFd d{io, io.open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)};
    if (d.fd < 0 || io.fsync(d.fd) != 0)
        return make_error(ErrorKind::temporary, std::string("fsync state directory: ") + std::strerror(errno));
    return {};
}

}  // namespace

Status remove_state(const std::string& path, RewriteIo& io) {
    if (io.unlink(path.c_str()) != 0 && errno != ENOENT)
        return make_error(ErrorKind::temporary, "remove state file " + path + ": " + std::strerror(errno));
    return sync_directory_of(path, io);
}

Status save_state(const std::string& path, const State& state, bool durable, RewriteIo& io) {
    const std::string bytes = serialize_state(state);
    const std::string temp = path + ".new";
    {
        // A leftover temporary (a crash) is replaced, not appended to.
        if (io.unlink(temp.c_str()) != 0 && errno != ENOENT)
            return make_error(ErrorKind::temporary, "state file " + temp + ": " + std::strerror(errno));
        IoFd f{io, io.open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)};
        if (f.fd < 0)
            return make_error(ErrorKind::temporary, "state file " + temp + ": " + std::strerror(errno));
        if (auto st = write_all(io, f.fd, bytes); !st) {
            io.unlink(temp.c_str());
            return st;
        }
        if (durable && io.fdatasync(f.fd) != 0) {
            const int e = errno;
            io.unlink(temp.c_str());
            return make_error(ErrorKind::temporary, std::string("fsync state file: ") + std::strerror(e));
        }
    }
    if (io.rename(temp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        io.unlink(temp.c_str());
        return make_error(ErrorKind::temporary, std::string("rename state file: ") + std::strerror(e));
    }
    if (!durable) return {};
    return sync_directory_of(path, io);
}

}  // namespace pop3d::mbox
