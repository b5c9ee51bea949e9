#include "common/pop3/output.h"

namespace pop3d::pop3 {
namespace {

Error gone() { return make_error(ErrorKind::temporary, "an earlier write to the client failed"); }

}  // namespace

OutputBuffer::OutputBuffer(Output& out, std::size_t capacity) : out_(out), capacity_(capacity) {
    buffer_.reserve(capacity_);
}

Status OutputBuffer::append(std::string_view bytes) {
    if (failed_) return gone();
    if (buffer_.size() + bytes.size() > capacity_) {
        if (Status s = flush(); !s) return s;
        if (bytes.size() >= capacity_) {
            Status s = out_.write(bytes);
            if (!s) failed_ = true;
            return s;
        }
    }
    buffer_.append(bytes);
    return {};
}

Status OutputBuffer::flush() {
    if (failed_) return gone();
    if (buffer_.empty()) return {};
    Status s = out_.write(buffer_);
    buffer_.clear();
    if (!s) failed_ = true;
    return s;
}

}  // namespace pop3d::pop3
