#include "sessiond/tls_front.h"

#include <poll.h>

#include <cerrno>

#include "common/frame.h"
#include "common/limits.h"
#include "sessiond/tls_frames.h"

namespace pop3d::session {
namespace {

void tell(int monitor_fd, const Result<Secret>& frame) {
    if (frame) {
        auto ignored = send_frame(monitor_fd, frame->view());
        (void)ignored;  // a monitor that is gone ends the front at its next read
    }
}

}  // namespace

Result<std::unique_ptr<TlsContext>> receive_tls_offer(int monitor_fd, unsigned timeout_seconds,
                                                      std::unique_ptr<TlsContext> prepared) {
    pollfd p{monitor_fd, POLLIN, 0};
    int r;
    do {
        r = ::poll(&p, 1, static_cast<int>(timeout_seconds) * 1000);
    } while (r < 0 && errno == EINTR);
    if (r <= 0) return make_error(ErrorKind::temporary, "no TLS setup from the monitor");
    auto frame = recv_frame(monitor_fd);
    if (!frame) return frame.error();
    auto setup = decode_tls_setup(*frame);
    if (!setup) return setup.error();
    if (!setup->available) return std::unique_ptr<TlsContext>();
    Status loaded = prepared ? prepared->use_chain(setup->chain_pem, monitor_fd)
                             : make_error(ErrorKind::temporary, "no TLS context");
    if (!loaded) {
        // The certificate the monitor checked does not load here: no TLS,
        // and the monitor hears why.
        std::string why = loaded.error().message.substr(0, limits::tls_reason);
        for (char& c : why)
            if (c < ' ' || c >= 0x7f) c = '?';
        tell(monitor_fd, encode_tls_failed({why}));
        return loaded.error();
    }
    return prepared;
}

bool start_tls(TlsContext& context, ClientChannel& channel, int monitor_fd, unsigned timeout_seconds) {
    auto stream = context.accept(channel.in_fd(), channel.out_fd(), timeout_seconds);
    if (!stream) {
        std::string why = stream.error().message.substr(0, limits::tls_reason);
        for (char& c : why)
            if (c < ' ' || c >= 0x7f) c = '?';
        tell(monitor_fd, encode_tls_failed({why}));
        return false;
    }
    tell(monitor_fd, encode_tls_started({(*stream)->version(), (*stream)->cipher()}));
    channel.start_tls(std::move(*stream));
    return true;
}

}  // namespace pop3d::session
