// A byte buffer for passwords and other secrets: one allocation of the exact
// size (never reallocated, so no copy is left behind) wiped with
// sodium_memzero when it is replaced or destroyed. Move-only.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

namespace pop3d {

class Secret {
public:
    Secret() = default;
    explicit Secret(std::string_view bytes) { assign(bytes); }
    ~Secret() { wipe(); }
    Secret(Secret&& other) noexcept : data_(std::move(other.data_)), size_(other.size_) { other.size_ = 0; }
    Secret& operator=(Secret&& other) noexcept;
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;

    void assign(std::string_view bytes);
    void wipe();
    std::string_view view() const { return {data_.get(), size_}; }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }

private:
    std::unique_ptr<char[]> data_;
    std::size_t size_ = 0;
};

}  // namespace pop3d
