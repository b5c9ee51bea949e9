#include "bench/manifest.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace bench {

std::uint64_t Manifest::total_wire_octets() const {
    std::uint64_t total = 0;
    for (const auto& m : messages) total += m.wire_octets;
    return total;
}

std::string format_manifest_line(const MessageEntry& e) {
    char line[96];
    std::snprintf(line, sizeof line, "%" PRIu64 " %" PRIu64 " %" PRIu64 "\n", e.offset, e.length,
                  e.wire_octets);
    return line;
}

std::string load_manifest(const std::string& path, Manifest* out) {
    std::ifstream in(path);
    if (!in) return "cannot read manifest " + path;
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        std::istringstream fields(line);
        MessageEntry e;
        if (!(fields >> e.offset >> e.length >> e.wire_octets) || e.wire_octets < e.length)
            return path + ":" + std::to_string(number) + ": malformed manifest line";
        out->messages.push_back(e);
    }
    if (out->messages.empty()) return path + ": empty manifest";
    return "";
}

std::string MappedFile::open(const std::string& path, MappedFile* out) {
    int fd;
    do fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) return path + ": " + std::strerror(errno);
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0) {
        ::close(fd);
        return path + ": cannot stat or empty";
    }
    void* p = mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) return path + ": mmap: " + std::strerror(errno);
    out->~MappedFile();
    out->data_ = static_cast<const char*>(p);
    out->size_ = static_cast<std::uint64_t>(st.st_size);
    return "";
}

MappedFile::~MappedFile() {
    if (data_ != nullptr) munmap(const_cast<char*>(data_), size_);
    data_ = nullptr;
}

MappedFile::MappedFile(MappedFile&& other) noexcept : data_(other.data_), size_(other.size_) {
    other.data_ = nullptr;
}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
    if (this != &other) {
        this->~MappedFile();
        data_ = other.data_;
        size_ = other.size_;
        other.data_ = nullptr;
    }
    return *this;
}

}  // namespace bench
