#include "tests/common/mbox/mbox_gen.h"

namespace pop3d::mbox::testing {

std::uint64_t model_octets(const std::string& content, bool mboxrd) {
    std::uint64_t total = 0;
    std::size_t at = 0;
    while (at < content.size()) {
        std::size_t lf = content.find('\n', at);
        std::string line = content.substr(at, lf == std::string::npos ? std::string::npos : lf - at);
        at = lf == std::string::npos ? content.size() : lf + 1;
        if (lf != std::string::npos && !line.empty() && line.back() == '\r') line.pop_back();
        std::size_t gt = 0;
        while (gt < line.size() && line[gt] == '>') ++gt;
        const bool quoted = gt > 0 && line.compare(gt, 5, "From ") == 0;
        total += line.size() + 2 - (mboxrd && quoted ? 1 : 0);
    }
    return total;
}

std::string join_mbox(const std::vector<ModelMessage>& messages, const std::string& eol,
                      bool final_separator) {
    std::string file;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        file += messages[i].from_line + eol + messages[i].content;
        if (i + 1 < messages.size() || final_separator) file += eol;
    }
    return file;
}

namespace {

std::string random_line(std::mt19937_64& rng, bool after_empty) {
    static const char* const samples[] = {
        "Subject: hello",    "From me to you",   ">From the past",     ">>From deeper",
        ">From",             "From",             ".",                  "..leading dots",
        "X-UIDL: abc",       "just text \r here", "tab\tseparated",    "",
        ">>>From quoted ",   " From indented",   "FromNoSpace",        "Received: by x",
    };
    const unsigned pick = static_cast<unsigned>(rng() % 20);
    std::string line;
    if (pick < 16) {
        line = samples[pick];
    } else if (pick == 16) {
        line.assign(1 + rng() % 3000, 'x');  // long line
    } else if (pick == 17) {
        line = std::string("nul\0byte", 8);
    } else {
        for (unsigned n = rng() % 80; n > 0; --n) line.push_back(static_cast<char>(' ' + rng() % 95));
    }
    if (after_empty && line.compare(0, 5, "From ") == 0) line.insert(0, ">");
    return line;
}

}  // namespace

ModelMbox random_mbox(std::mt19937_64& rng, std::size_t messages) {
    ModelMbox box;
    const std::string eol = rng() % 3 == 0 ? "\r\n" : "\n";
    for (std::size_t i = 0; i < messages; ++i) {
        ModelMessage m;
        m.from_line = "From sender" + std::to_string(rng() % 4) + "@example.org Mon Nov 23 1" +
                      std::to_string(rng() % 10) + ":00:00 2026";
        const unsigned lines = rng() % 7 == 0 ? 0 : static_cast<unsigned>(rng() % 40);
        bool after_empty = false;
        for (unsigned l = 0; l < lines; ++l) {
            const std::string line = random_line(rng, after_empty);
            m.content += line + eol;
            after_empty = line.empty();
        }
        box.messages.push_back(std::move(m));
    }
    bool final_separator = true;
    if (!box.messages.empty() && rng() % 2 == 0) {
        std::string& last = box.messages.back().content;
        const bool ends_empty = last.empty() || (last.size() >= 2 * eol.size() &&
                                                 last.compare(last.size() - 2 * eol.size(), 2 * eol.size(), eol + eol) == 0);
        if (rng() % 2 == 0) {
            last += "no final newline";
            final_separator = false;
        } else if (!ends_empty) {
            final_separator = false;
        }
    }
    box.file = join_mbox(box.messages, eol, final_separator);
    return box;
}

}  // namespace pop3d::mbox::testing
