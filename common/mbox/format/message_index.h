// What the session knows about each message of an mbox: where it is, its
// size on the wire and its unique id. About 40 bytes per message plus the
// id text, so 200,000 messages cost a few MB whatever their size.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pop3d::mbox {

struct IndexedMessage {
    std::uint64_t from = 0;    // the From_ line
    std::uint64_t body = 0;    // first content byte
    std::uint64_t end = 0;     // end of the content (separator excluded)
    std::uint64_t octets = 0;  // RFC 1939 size
    std::uint64_t fingerprint = 0;  // of the sampled bytes (uid.h: derive)
    std::uint32_t uid_at = 0;  // the id in MessageIndex::uid_text
    std::uint8_t uid_len = 0;
};

struct MessageIndex {
    std::vector<IndexedMessage> messages;
    std::string uid_text;
    std::uint64_t size = 0;  // bytes of the file this index covers

    void add(IndexedMessage m, std::string_view uid) {
        m.uid_at = static_cast<std::uint32_t>(uid_text.size());
        m.uid_len = static_cast<std::uint8_t>(uid.size());
        uid_text.append(uid);
        messages.push_back(m);
    }
    std::string_view uid(std::size_t i) const {
        return std::string_view(uid_text).substr(messages[i].uid_at, messages[i].uid_len);
    }
    // The bytes from message i's From_ line to the next one (or the end of
    // what was indexed): what UPDATE keeps or removes as a whole.
    std::uint64_t extent_end(std::size_t i) const {
        return i + 1 < messages.size() ? messages[i + 1].from : size;
    }
};

}  // namespace pop3d::mbox
