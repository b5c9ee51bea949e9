#include "authd/serve.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "common/auth/codec.h"
#include "common/frame.h"
#include "common/log.h"

namespace pop3d::authd {
namespace {

// True when the monitor has closed its end (or sent an empty message,
// which no encoder makes): the conversation is over.
bool peer_closed(int fd) {
    char c;
    ssize_t n;
    do {
        n = recv(fd, &c, 1, MSG_PEEK);
    } while (n < 0 && errno == EINTR);
    return n == 0;
}

}  // namespace

int serve(int fd, const Authenticator& authenticator, const HashSlots& slots) {
    for (;;) {
        if (peer_closed(fd)) return 0;
        auto frame = recv_frame(fd);
        if (!frame) {
            log::error("receiving a request: %s", frame.error().message.c_str());
            return 1;
        }
        auto request = auth::decode_request(*frame);
        if (!request) {
            log::error("%s; stopping", request.error().message.c_str());
            return 1;
        }
        auth::AuthVerdict verdict;
        {
            HashSlots::Held slot = slots.acquire(request->client);
            verdict = authenticator.verify(*request);
        }
        request->password.wipe();
        auto reply = auth::encode_verdict(verdict);
        if (!reply) {
            log::error("encoding a verdict: %s", reply.error().message.c_str());
            return 1;
        }
        if (auto sent = send_frame(fd, *reply); !sent) {
            log::error("sending a verdict: %s", sent.error().message.c_str());
            return 1;
        }
    }
}

}  // namespace pop3d::authd
