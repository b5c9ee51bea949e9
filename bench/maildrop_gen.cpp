#include "bench/maildrop_gen.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "bench/manifest.h"

namespace bench {
namespace {

constexpr std::uint64_t kMinMessage = 1024;
constexpr std::uint64_t kMaxMessage = 4u << 20;

// splitmix64: the same stream on every platform and compiler.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    std::uint64_t below(std::uint64_t n) { return next() % n; }
    double log_uniform(double lo, double hi) { return lo * std::pow(hi / lo, unit()); }

private:
    std::uint64_t state_;
};

// Mostly small text mail, some with attachments, a few large ones.
double raw_size(Rng& rng) {
    double u = rng.unit();
    if (u < 0.70) return rng.log_uniform(1024, 8192);
    if (u < 0.95) return rng.log_uniform(8192, 200e3);
    return rng.log_uniform(200e3, 4e6);
}

std::uint64_t clamp_size(double s) {
    if (s < kMinMessage) return kMinMessage;
    if (s > kMaxMessage) return kMaxMessage;
    return static_cast<std::uint64_t>(s);
}

// Scales the drawn sizes so that their clamped sum comes close to the target.
std::vector<std::uint64_t> message_sizes(const GenSpec& spec, Rng& rng) {
    std::vector<double> raw(spec.count);
    for (auto& r : raw) r = raw_size(rng);
    double lo = 1e-4, hi = 1e4;
    for (int i = 0; i < 60; ++i) {
        double mid = std::sqrt(lo * hi);
        std::uint64_t sum = 0;
        for (double r : raw) sum += clamp_size(r * mid);
        (sum < spec.approx_bytes ? lo : hi) = mid;
    }
    std::vector<std::uint64_t> sizes(spec.count);
    for (std::size_t i = 0; i < raw.size(); ++i) sizes[i] = clamp_size(raw[i] * lo);
    return sizes;
}

const char* const kWords[] = {
    "the",     "mail",    "server",   "report",  "quarterly", "meeting", "please",  "review",
    "attached", "budget", "thanks",   "regards", "schedule",  "update",  "project", "deadline",
    "invoice", "customer", "delivery", "status", "question",  "answer",  "weekend", "coffee",
    "draft",   "version", "release",  "notes",   "minutes",   "agenda",  "friday",  "monday",
    "über",    "naïve",   "résumé",   "straße",  "ok",        "a",       "of",      "to",
};
constexpr std::size_t kWordCount = sizeof kWords / sizeof kWords[0];

void append_text_line(Rng& rng, std::string& out, std::size_t target) {
    std::size_t start = out.size();
    while (out.size() - start < target) {
        if (out.size() != start) out += ' ';
        out += kWords[rng.below(kWordCount)];
    }
    out += '\n';
}

// A body line of one of the kinds that trip POP3 servers up: a leading dot
// (byte-stuffing), a lone dot, a quoted From_ line (mboxo keeps the '>'),
// or a line far longer than RFC 5322's 998.
void append_body_line(Rng& rng, std::string& out) {
    std::uint64_t kind = rng.below(100);
    if (kind < 2) {
        out += ".\n";
    } else if (kind < 5) {
        out += rng.below(2) ? ".." : ".";
        append_text_line(rng, out, 20 + rng.below(50));
    } else if (kind < 7) {
        out += rng.below(3) ? ">From " : ">>From ";
        append_text_line(rng, out, 20 + rng.below(40));
    } else if (kind < 8) {
        append_text_line(rng, out, 1000 + rng.below(7000));
    } else if (kind < 12) {
        out += '\n';
    } else {
        append_text_line(rng, out, 30 + rng.below(48));
    }
}

void append_base64(Rng& rng, std::string& out, std::size_t target) {
    static const char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::size_t start = out.size();
    while (out.size() - start < target) {
        for (int i = 0; i < 76; i += 8) {
            std::uint64_t r = rng.next();
            for (int j = 0; j < 8 && i + j < 76; ++j) out += kAlphabet[(r >> (6 * j)) & 63];
        }
        out += '\n';
    }
}

// One message text (after the From_ line), about `size` bytes, ending in LF.
void make_message(Rng& rng, std::uint32_t index, std::uint64_t size, std::string& out) {
    std::size_t start = out.size();
    char header[640];
    unsigned day = 1 + index % 28, hour = index % 24, minute = (index / 24) % 60;
    std::snprintf(header, sizeof header,
                  "Return-Path: <sender%u@example.org>\n"
                  "Received: from mx%u.example.org (mx%u.example.org [192.0.2.%u])\n"
                  "\tby mail.example.net with ESMTP id %08X; Mon, %u Nov 2026 %02u:%02u:00 +0000\n"
                  "From: Sender %u <sender%u@example.org>\n"
                  "To: Bench User <user@example.net>\n"
                  "Subject: Benchmark message %u\n"
                  "Date: Mon, %u Nov 2026 %02u:%02u:00 +0000\n"
                  "Message-ID: <%u.%08X@bench.example.org>\n"
                  "MIME-Version: 1.0\n",
                  index % 97, index % 7, index % 7, 1 + index % 250,
                  static_cast<unsigned>(rng.next()), day, hour, minute, index % 97, index % 97,
                  index, day, hour, minute, index, static_cast<unsigned>(rng.next()));
    out += header;
    bool attachment = size > 6000;
    std::string boundary = "=_bench_" + std::to_string(index);
    if (attachment) {
        out += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\n\n";
        out += "--" + boundary + "\nContent-Type: text/plain; charset=utf-8\n\n";
    } else {
        out += "Content-Type: text/plain; charset=utf-8\n\n";
    }
    std::uint64_t text_target = attachment ? 1500 + rng.below(3000) : size;
    while (out.size() - start < text_target) append_body_line(rng, out);
    if (attachment) {
        out += "--" + boundary + "\nContent-Type: application/octet-stream; name=\"file" +
               std::to_string(index) + ".bin\"\nContent-Transfer-Encoding: base64\n\n";
        std::uint64_t used = out.size() - start + boundary.size() + 6;
        append_base64(rng, out, size > used ? size - used : 76);
        out += "--" + boundary + "--\n";
    }
}

class Output {
public:
    static std::unique_ptr<Output> open(const std::string& path, std::string* why) {
        std::FILE* f = std::fopen(path.c_str(), "wbe");
        if (f == nullptr) {
            *why = path + ": " + std::strerror(errno);
            return nullptr;
        }
        return std::unique_ptr<Output>(new Output(f));
    }
    ~Output() {
        if (file_ != nullptr) std::fclose(file_);
    }
    bool write(const std::string& s) { return std::fwrite(s.data(), 1, s.size(), file_) == s.size(); }
    bool close() {
        bool ok = std::fclose(file_) == 0;
        file_ = nullptr;
        return ok;
    }

private:
    explicit Output(std::FILE* f) : file_(f) {}
    std::FILE* file_;
};

std::uint64_t count_lines(const std::string& s, std::size_t from) {
    std::uint64_t n = 0;
    for (std::size_t i = from; i < s.size(); ++i) n += s[i] == '\n';
    return n;
}

}  // namespace

std::string generate_maildrop(const GenSpec& spec, const std::string& mbox_path,
                              const std::string& manifest_path) {
    if (spec.count == 0) return "message count must be positive";
    Rng rng(spec.seed);
    std::vector<std::uint64_t> sizes = message_sizes(spec, rng);
    std::string why;
    auto mbox = Output::open(mbox_path, &why);
    if (!mbox) return why;
    auto manifest = Output::open(manifest_path, &why);
    if (!manifest) return why;
    std::uint64_t offset = 0;
    std::string chunk, lines;
    for (std::uint32_t i = 0; i < spec.count; ++i) {
        chunk.clear();
        char from_line[96];
        std::snprintf(from_line, sizeof from_line, "From sender%u@example.org Mon Nov 23 %02u:%02u:00 2026\n",
                      i % 97, i % 24, (i / 24) % 60);
        chunk += from_line;
        std::size_t text_start = chunk.size();
        make_message(rng, i + 1, sizes[i], chunk);
        MessageEntry entry;
        entry.offset = offset + text_start;
        entry.length = chunk.size() - text_start;
        entry.wire_octets = entry.length + count_lines(chunk, text_start);
        chunk += '\n';  // the blank line that ends every mbox message
        lines += format_manifest_line(entry);
        if (!mbox->write(chunk)) return mbox_path + ": write failed";
        offset += chunk.size();
    }
    if (!mbox->close()) return mbox_path + ": write failed";
    if (!manifest->write(lines) || !manifest->close()) return manifest_path + ": write failed";
    return "";
}

}  // namespace bench
