#include "common/mbox/format/file_view.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace pop3d::mbox {

Result<std::unique_ptr<Mapping>> Mapping::map(int fd, std::uint64_t offset, std::uint64_t end) {
    const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    offset -= offset % page;
    if (end <= offset) return std::unique_ptr<Mapping>(new Mapping(nullptr, 0, offset));
    const std::uint64_t size = end - offset;
    if (size > SIZE_MAX) return make_error(ErrorKind::permanent, "mbox too large to map");
    void* addr = ::mmap(nullptr, static_cast<std::size_t>(size), PROT_READ, MAP_SHARED, fd,
                        static_cast<off_t>(offset));
    if (addr == MAP_FAILED)
        return make_error(ErrorKind::temporary, std::string("mmap mbox: ") + std::strerror(errno));
    // One sequential pass: let the kernel read ahead aggressively.
    ::madvise(addr, static_cast<std::size_t>(size), MADV_SEQUENTIAL);
    return std::unique_ptr<Mapping>(new Mapping(addr, static_cast<std::size_t>(size), offset));
}

Mapping::~Mapping() {
    if (addr_) ::munmap(addr_, size_);
}

}  // namespace pop3d::mbox
