#include "common/secret.h"

#include <sodium.h>

#include <cstring>

namespace pop3d {

Secret& Secret::operator=(Secret&& other) noexcept {
    if (this != &other) {
        wipe();
        data_ = std::move(other.data_);
        size_ = other.size_;
        other.size_ = 0;
    }
    return *this;
}

void Secret::assign(std::string_view bytes) {
    wipe();
    data_.reset(new char[bytes.size() + 1]);
    if (!bytes.empty()) std::memcpy(data_.get(), bytes.data(), bytes.size());
    data_[bytes.size()] = '\0';  // crypt_r and friends want a C string
    size_ = bytes.size();
}

void Secret::wipe() {
    if (data_) sodium_memzero(data_.get(), size_ + 1);
    data_.reset();
    size_ = 0;
}

}  // namespace pop3d
