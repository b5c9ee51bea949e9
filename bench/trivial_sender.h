// The loopback limit: a POP3 "server" that answers one session from bytes
// prepared in memory, so that the client and the kernel are all that is left.
#pragma once

#include <string>
#include <vector>

#include "bench/manifest.h"

namespace bench {

class TrivialSender {
public:
    // Prepares each message's RETR reply (CRLF, byte-stuffed) and listens.
    static std::string start(int port, const Manifest& manifest, const MappedFile& mbox,
                             TrivialSender* out);
    TrivialSender() = default;
    ~TrivialSender();
    TrivialSender(const TrivialSender&) = delete;
    TrivialSender& operator=(const TrivialSender&) = delete;
    // Serves one connection to its QUIT; empty string on success.
    std::string serve_one();
    // Makes a waiting serve_one() return (when the client never came).
    void stop();

private:
    int listen_fd_ = -1;
    std::vector<std::string> replies_;
    std::string stat_reply_;
};

}  // namespace bench
