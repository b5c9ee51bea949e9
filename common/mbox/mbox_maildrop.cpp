#include "common/mbox/mbox_maildrop.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "common/limits.h"

namespace pop3d::mbox {

std::uint32_t state_options(const MailConfig& mail) {
    return (mail.mbox_format == MboxFormat::mboxrd ? 1u : 0u) |
           (mail.uidl == UidlSource::x_uidl ? 2u : 0u);
}

// pread through one bounded buffer: a message of any size costs
// limits::mbox_read_chunk bytes of memory, and only the bytes the client
// asks for are read. The buffer is not zeroed first: pread fills all the
// sink sees, so zeroing 64 KiB at every RETR was work for nothing.
Status MboxMaildrop::read(std::size_t index, const ChunkSink& sink) {
    const IndexedMessage& m = m_.index.messages[index];
    const std::size_t size =
        static_cast<std::size_t>(std::min<std::uint64_t>(m.end - m.body, limits::mbox_read_chunk));
    const auto buffer = std::make_unique_for_overwrite<char[]>(size);
    std::uint64_t at = m.body;
    while (at < m.end) {
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(m.end - at, size));
        const ssize_t n = ::pread(m_.fd.get(), buffer.get(), want, static_cast<off_t>(at));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            return make_error(ErrorKind::temporary, "reading " + m_.path + ": " + std::strerror(errno));
        if (n == 0)
            return make_error(ErrorKind::temporary, "mbox " + m_.path + " shrank during the session");
        at += static_cast<std::uint64_t>(n);
        auto wanted = sink(std::string_view(buffer.get(), static_cast<std::size_t>(n)));
        if (!wanted) return wanted.error();
        if (*wanted == Reading::enough) return {};
    }
    return {};
}

}  // namespace pop3d::mbox
