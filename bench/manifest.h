// The manifest of a generated mbox: where each message's text lies in the
// file, and its size as POP3 sends it (every LF as CRLF). The client compares
// what it retrieves, after removing the byte-stuffing, line by line against
// those file bytes, so a wrong, missing or extra byte fails the run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bench {

struct MessageEntry {
    std::uint64_t offset = 0;     // first byte of the message text (after the From_ line)
    std::uint64_t length = 0;     // bytes of message text in the file (LF line ends)
    std::uint64_t wire_octets = 0; // RFC 1939 size: length plus one CR per line
};

struct Manifest {
    std::vector<MessageEntry> messages;
    std::uint64_t total_wire_octets() const;
};

std::string format_manifest_line(const MessageEntry& entry);
// Empty string on success, else the reason.
std::string load_manifest(const std::string& path, Manifest* out);

// A read-only mapping of the pristine mbox the manifest describes.
class MappedFile {
public:
    static std::string open(const std::string& path, MappedFile* out);
    MappedFile() = default;
    ~MappedFile();
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    const char* data() const { return data_; }
    std::uint64_t size() const { return size_; }

private:
    const char* data_ = nullptr;
    std::uint64_t size_ = 0;
};

}  // namespace bench
