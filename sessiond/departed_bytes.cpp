#include "sessiond/departed_bytes.h"

#include <linux/sockios.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

namespace pop3d::session {
namespace {

bool is_tcp(int fd) {
    int protocol = 0;
    socklen_t len = sizeof protocol;
    // Fails with ENOTSOCK on a pipe or a terminal: not TCP.
    return ::getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &len) == 0 && protocol == IPPROTO_TCP;
}

}  // namespace

DepartedBytes::DepartedBytes(int fd) : fd_(fd), tcp_(is_tcp(fd)) {}

std::uint64_t DepartedBytes::since_last(std::uint64_t written_in_all) {
    std::uint64_t departed = written_in_all;
    int queued = 0;
    // Should the ioctl fail, every written byte counts: the floor then errs
    // towards the client, never against it.
    if (tcp_ && ::ioctl(fd_, SIOCOUTQ, &queued) == 0 && queued > 0)
        departed = written_in_all > static_cast<std::uint64_t>(queued) ? written_in_all - queued : 0;
    if (departed <= counted_) return 0;
    std::uint64_t fresh = departed - counted_;
    counted_ = departed;
    return fresh;
}

}  // namespace pop3d::session
