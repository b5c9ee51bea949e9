// RAII for the mbox engine's file handles: a descriptor, and a read-only
// mapping of a file's first bytes (what the scanner reads at memory speed).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string_view>

#include "common/result.h"

namespace pop3d::mbox {

class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) {
            reset();
            fd_ = other.fd_;
            other.fd_ = -1;
        }
        return *this;
    }
    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    void reset();

private:
    int fd_ = -1;
};

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
