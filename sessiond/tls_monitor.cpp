#include "sessiond/tls_monitor.h"

#include "common/log.h"
#include "sessiond/tls_frames.h"

namespace pop3d::session {
namespace {

bool answer(int front_fd, const SignatureFrame& reply) {
    auto frame = encode_signature(reply);
    return frame && send_frame(front_fd, frame->view());
}

}  // namespace

TlsStep on_tls_frame(const Frame& frame, int front_fd, TlsKeyHolder* key, const std::string& client,
                     std::string& tls_in_use) {
    const char* who = client.c_str();
    switch (static_cast<FrameType>(frame.type)) {
        case FrameType::sign_request: {
            auto request = decode_sign_request(frame);
            if (!request) {
                log::error("client %s: %s; session ended", who, request.error().message.c_str());
                return TlsStep::bad_frame;
            }
            if (!key || !tls_in_use.empty()) {
                log::error("client %s: the front asked for a signature out of place; session ended", who);
                return TlsStep::bad_frame;
            }
            // One signature per session: the key is wiped by sign_once, and
            // a second request finds none.
            auto signature = key->sign_once(*request);
            if (!signature) {
                log::error("client %s: TLS signature refused: %s", who, signature.error().message.c_str());
                return answer(front_fd, SignatureFrame{false, {}}) ? TlsStep::carry_on : TlsStep::session_over;
            }
            return answer(front_fd, SignatureFrame{true, std::move(*signature)}) ? TlsStep::carry_on
                                                                                 : TlsStep::session_over;
        }
        case FrameType::tls_started: {
            auto started = decode_tls_started(frame);
            if (!started || !key || !tls_in_use.empty()) {
                log::error("client %s: bad or repeated TLS start from the front; session ended", who);
                return TlsStep::bad_frame;
            }
            key->wipe();  // the handshake is over: nothing is signed again
            tls_in_use = started->version + "/" + started->cipher;
            return TlsStep::carry_on;
        }
        case FrameType::tls_failed: {
            auto failed = decode_tls_failed(frame);
            if (!failed) {
                log::error("client %s: %s; session ended", who, failed.error().message.c_str());
                return TlsStep::bad_frame;
            }
            log::notice("client %s: TLS handshake failed: %s", who, failed->reason.c_str());
            return TlsStep::session_over;
        }
        case FrameType::tls_setup:
        case FrameType::signature:
        case FrameType::credentials:
        case FrameType::verdict:
        case FrameType::handover:
        case FrameType::end: break;
    }
    log::error("client %s: a TLS frame the front may not send; session ended", who);
    return TlsStep::bad_frame;
}

}  // namespace pop3d::session
