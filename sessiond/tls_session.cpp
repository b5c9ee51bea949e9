#include "sessiond/tls_session.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/frame.h"
#include "common/limits.h"
#include "common/log.h"
#include "sessiond/client_io.h"
#include "sessiond/tls_frames.h"
#include "sessiond/tls_library.h"

namespace pop3d::session {

Result<TlsSession> prepare_tls_session(const Config& config) {
    TlsSession tls;
    if (!config.tls_configured()) return tls;
    if (auto st = init_tls_library(); !st) return st.error();
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return make_error(ErrorKind::temporary, std::string("socketpair: ") + std::strerror(errno));
    tls.relay_session_end = UniqueFd(sv[0]);
    tls.relay_front_end = UniqueFd(sv[1]);
    int report[2];
    if (pipe2(report, O_CLOEXEC | O_NONBLOCK) != 0)
        return make_error(ErrorKind::temporary, std::string("pipe: ") + std::strerror(errno));
    tls.relay_report_read = UniqueFd(report[0]);
    tls.relay_report_write = UniqueFd(report[1]);
    auto context = TlsContext::create();
    if (!context) return context.error();
    tls.context = std::move(*context);
    return tls;
}

Status offer_tls(TlsSession& tls, const Config& config, int front_fd, const std::string& client) {
    if (!config.tls_configured()) return {};
    TlsSetupFrame setup;
    auto key = TlsKeyHolder::load(config.tls.cert, config.tls.key);
    if (key) {
        tls.key = std::move(*key);
        setup.available = true;
        setup.chain_pem = tls.key->chain_pem();
    } else {
        log::warning("client %s: no TLS for this session (temporary failure): %s", client.c_str(),
                     key.error().message.c_str());
    }
    auto frame = encode_tls_setup(setup);
    if (!frame) return frame.error();
    return send_frame(front_fd, frame->view());
}

std::string read_relay_report(TlsSession& tls) {
    if (!tls.relay_report_read.valid()) return "";
    char text[limits::tls_reason];
    ssize_t n;
    do {
        n = read(tls.relay_report_read.get(), text, sizeof text);
    } while (n < 0 && errno == EINTR);
    return n > 0 ? log::sanitize(std::string_view(text, static_cast<std::size_t>(n)), sizeof text) : "";
}

namespace {

bool same_file(int a, int b) {
    struct stat sa, sb;
    return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

}  // namespace

Status switch_to_relay(TlsSession& tls) {
    int relay = tls.relay_session_end.get();
    // Under inetd stderr is the client's socket too: the session, which
    // runs as the mailbox owner, must hold no descriptor of the TLS
    // connection, so stderr becomes /dev/null.
    if (same_file(STDERR_FILENO, STDIN_FILENO) || same_file(STDERR_FILENO, STDOUT_FILENO)) {
        UniqueFd null(open("/dev/null", O_RDWR | O_CLOEXEC));
        if (!null.valid() || dup2(null.get(), STDERR_FILENO) < 0)
            return make_error(ErrorKind::temporary, std::string("stderr to /dev/null: ") + std::strerror(errno));
    }
    if (dup2(relay, STDIN_FILENO) < 0 || dup2(relay, STDOUT_FILENO) < 0)
        return make_error(ErrorKind::temporary, std::string("dup2: ") + std::strerror(errno));
    tls.relay_session_end.reset();
    tls.relay_front_end.reset();
    tls.relay_report_write.reset();
    return stop_blocking(STDIN_FILENO);
}

}  // namespace pop3d::session
