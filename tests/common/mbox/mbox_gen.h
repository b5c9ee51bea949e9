// Seeded random mbox files for the mbox engine's tests, with the expected
// messages built alongside (a model, not the parser under test).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace pop3d::mbox::testing {

struct ModelMessage {
    std::string from_line;  // without line end
    std::string content;    // the stored bytes a reader must serve
};

struct ModelMbox {
    std::vector<ModelMessage> messages;
    std::string file;
};

// The octets RETR sends for `content`, computed line by line.
std::uint64_t model_octets(const std::string& content, bool mboxrd);

// A random mbox: LF or CRLF, empty messages, lines that look like From_
// lines where they are content, ">From " quoting, NULs, long lines, a last
// message with or without a final line end and separator.
ModelMbox random_mbox(std::mt19937_64& rng, std::size_t messages);

// Joins messages into an mbox file with `eol` line ends.
std::string join_mbox(const std::vector<ModelMessage>& messages, const std::string& eol,
                      bool final_separator);

}  // namespace pop3d::mbox::testing
