// An Output that collects what the engine writes, for tests: the bytes, how
// many writes carried them, and an optional failure after some writes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/pop3/output.h"

namespace pop3d::test {

class StringOutput : public pop3::Output {
public:
    Status write(std::string_view bytes) override {
        if (fail_after_writes && writes >= *fail_after_writes) {
            return make_error(ErrorKind::temporary, "injected write failure");
        }
        ++writes;
        largest_write = bytes.size() > largest_write ? bytes.size() : largest_write;
        text.append(bytes);
        return {};
    }

    std::string take() {
        std::string out;
        out.swap(text);
        return out;
    }

    std::string text;
    std::size_t writes = 0;
    std::size_t largest_write = 0;
    std::optional<std::size_t> fail_after_writes;
};

}  // namespace pop3d::test
