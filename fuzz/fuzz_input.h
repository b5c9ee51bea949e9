// Splitting a fuzzer's input into the choices a target needs: a few bytes
// decide options and chunk sizes, the rest is what a client would send.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace pop3d::fuzz {

class Input {
public:
    Input(const std::uint8_t* data, std::size_t size)
        : rest_(reinterpret_cast<const char*>(data), size) {}

    // One byte, or 0 once the input is used up.
    std::uint8_t byte() {
        if (rest_.empty()) return 0;
        auto b = static_cast<std::uint8_t>(rest_.front());
        rest_.remove_prefix(1);
        return b;
    }

    // Up to n bytes.
    std::string_view take(std::size_t n) {
        std::string_view out = rest_.substr(0, n);
        rest_.remove_prefix(out.size());
        return out;
    }

    std::string_view rest() const { return rest_; }
    bool empty() const { return rest_.empty(); }

private:
    std::string_view rest_;
};

}  // namespace pop3d::fuzz
