// Where replies go: an Output (the socket, or a TLS relay, or a test string)
// behind a bounded buffer that gathers small replies into large writes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/limits.h"
#include "common/result.h"

namespace pop3d::pop3 {

class Output {
public:
    virtual ~Output() = default;
    // Writes all of `bytes` or fails (the client went away, a timeout).
    virtual Status write(std::string_view bytes) = 0;
};

// Appends go to a buffer of a fixed capacity; when it fills, it is written
// out in one write. Nothing is dropped or reordered; after a failed write
// every later call fails too (the session is over).
class OutputBuffer {
public:
    explicit OutputBuffer(Output& out, std::size_t capacity = limits::output_buffer);
    OutputBuffer(const OutputBuffer&) = delete;
    OutputBuffer& operator=(const OutputBuffer&) = delete;

    Status append(std::string_view bytes);
    // Writes whatever is buffered.
    Status flush();
    std::size_t pending() const { return buffer_.size(); }

private:
    Output& out_;
    std::size_t capacity_;
    std::string buffer_;
    bool failed_ = false;
};

}  // namespace pop3d::pop3
