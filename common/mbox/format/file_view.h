// RAII for a read-only mapping of a file's first bytes (what the scanner
// reads at memory speed); descriptors are common/unique_fd.h's.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string_view>

#include "common/result.h"
#include "common/unique_fd.h"

namespace pop3d::mbox {

class Mapping {
public:
    // Maps [offset, end) of fd read-only, offset rounded down to a page:
    // data() starts at offset(). An empty range maps nothing.
    static Result<std::unique_ptr<Mapping>> map(int fd, std::uint64_t offset, std::uint64_t end);
    std::uint64_t offset() const { return offset_; }
    ~Mapping();
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;
    std::string_view data() const { return {static_cast<const char*>(addr_), size_}; }

private:
    Mapping(void* addr, std::size_t size, std::uint64_t offset) : addr_(addr), size_(size), offset_(offset) {}
    void* addr_;
    std::size_t size_;
    std::uint64_t offset_;
};

}  // namespace pop3d::mbox
