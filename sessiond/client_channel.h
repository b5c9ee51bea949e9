// The front's connection to the client: plain until a TLS handshake, then
// through the TLS stream. Reads and writes keep client_io.h's deadlines.
#pragma once

#include <memory>

#include "common/pop3/output.h"
#include "sessiond/client_io.h"
#include "sessiond/tls_stream.h"

namespace pop3d::session {

class ClientChannel : public pop3::Output {
public:
    ClientChannel(int in_fd, int out_fd, unsigned timeout_seconds)
        : in_(in_fd), out_(out_fd), timeout_(timeout_seconds), plain_(out_fd, timeout_seconds) {}
    Status write(std::string_view bytes) override {
        return tls_ ? tls_->write(bytes, timeout_) : plain_.write(bytes);
    }
    ClientRead read(char* buffer, std::size_t capacity, int watch) {
        return tls_ ? tls_->read(buffer, capacity, timeout_, watch)
                    : read_client(in_, buffer, capacity, timeout_, watch);
    }
    void start_tls(std::unique_ptr<TlsStream> stream) { tls_ = std::move(stream); }
    TlsStream* tls() const { return tls_.get(); }
    int in_fd() const { return in_; }
    int out_fd() const { return out_; }

private:
    int in_;
    int out_;
    unsigned timeout_;
    ClientOutput plain_;
    std::unique_ptr<TlsStream> tls_;
};

}  // namespace pop3d::session
