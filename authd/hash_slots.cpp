#include "authd/hash_slots.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "common/log.h"

namespace pop3d::authd {

Result<HashSlots> HashSlots::open(const std::string& dir, unsigned count) {
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
        return make_error(ErrorKind::temporary, "mkdir " + dir + ": " + std::strerror(errno));
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022))
        return make_error(ErrorKind::permanent, dir + " must be a directory only root can write");
    HashSlots slots;
    for (unsigned i = 0; i < count; ++i) {
        std::string path = dir + "/hash-slot-" + std::to_string(i);
        UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!fd.valid()) return make_error(ErrorKind::temporary, "open " + path + ": " + std::strerror(errno));
        slots.fds_.push_back(std::move(fd));
    }
    return slots;
}

HashSlots::Held::~Held() {
    if (fd_ >= 0 && ::flock(fd_, LOCK_UN) != 0) log::error("hash slot: unlock: %s", std::strerror(errno));
}

std::vector<std::size_t> slots_for_client(std::string_view client, std::size_t count) {
    std::vector<std::size_t> out;
    if (count == 0) return out;
    // FNV-1a: stable across processes, which is all that is asked of it.
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : client) h = (h ^ c) * 1099511628211ULL;
    const std::size_t take = count == 1 ? 1 : count / 2;
    for (std::size_t i = 0; i < take; ++i) out.push_back((static_cast<std::size_t>(h % count) + i) % count);
    return out;
}

HashSlots::Held HashSlots::try_acquire(std::string_view client) const {
    for (std::size_t i : slots_for_client(client, fds_.size())) {
        int r;
        do {
            r = ::flock(fds_[i].get(), LOCK_EX | LOCK_NB);
        } while (r != 0 && errno == EINTR);
        if (r == 0) return Held(fds_[i].get());
    }
    return Held();
}

HashSlots::Held HashSlots::acquire(std::string_view client) const {
    if (fds_.empty()) return Held();
    if (Held free = try_acquire(client); free.held()) return free;
    // All of ours taken: queue on one, spread by pid so waiters do not all
    // pile up behind the same holder.
    const auto mine = slots_for_client(client, fds_.size());
    int fd = fds_[mine[static_cast<std::size_t>(::getpid()) % mine.size()]].get();
    int r;
    do {
        r = ::flock(fd, LOCK_EX);
    } while (r != 0 && errno == EINTR);
    if (r != 0) {
        log::error("hash slot: lock: %s", std::strerror(errno));
        return Held();
    }
    return Held(fd);
}

}  // namespace pop3d::authd
