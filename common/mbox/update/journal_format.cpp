#include "common/mbox/update/journal_format.h"

#include <sodium.h>

#include <cstring>

namespace pop3d::mbox {
namespace {

constexpr char header_magic[8] = {'P', '3', 'D', 'J', 'R', 'N', '0', '2'};
constexpr char record_magic[8] = {'P', '3', 'D', 'R', 'E', 'C', '0', '2'};
constexpr std::size_t record_body = 8 + 5 * 8 + saved_sum_size;
constexpr std::size_t record_hash = 16;

void put(std::string& out, std::uint64_t v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

std::uint64_t get(const std::string& in, std::size_t at) {
    std::uint64_t v;
    std::memcpy(&v, in.data() + at, sizeof v);
    return v;
}

void hash(unsigned char* out, std::size_t out_len, const std::string& bytes, std::size_t n,
          const unsigned char* key, std::size_t key_len) {
    crypto_generichash(out, out_len, reinterpret_cast<const unsigned char*>(bytes.data()), n,
                       key, key_len);
}

std::uint64_t round_page(std::uint64_t n) {
    return (n + journal_page - 1) / journal_page * journal_page;
}

}  // namespace

std::string encode_header(const JournalHeader& h) {
    std::string out(header_magic, sizeof header_magic);
    put(out, h.dev);
    put(out, h.ino);
    put(out, h.chunk);
    put(out, h.slot_size);
    put(out, h.plan.old_size);
    put(out, h.plan.new_size);
    put(out, h.plan.prefix);
    put(out, h.plan.moves.size());
    out.append(reinterpret_cast<const char*>(h.marker.data()), h.marker.size());
    std::string moves;
    for (const Range& m : h.plan.moves) {
        put(moves, m.offset);
        put(moves, m.length);
    }
    std::string hashed = out + moves;
    unsigned char sum[32];
    hash(sum, sizeof sum, hashed, hashed.size(), nullptr, 0);
    out.append(reinterpret_cast<const char*>(sum), sizeof sum);
    return out + moves;
}

Result<std::uint64_t> header_size(const std::string& fixed) {
    if (fixed.size() < header_fixed_size || std::memcmp(fixed.data(), header_magic, 8) != 0) {
        return make_error(ErrorKind::permanent, "UPDATE journal has no valid header");
    }
    std::uint64_t count = get(fixed, 8 + 7 * 8);
    if (count > (std::uint64_t{1} << 40) / 16) {
        return make_error(ErrorKind::permanent, "UPDATE journal header is damaged");
    }
    return header_fixed_size + count * 16;
}

Result<JournalHeader> decode_header(const std::string& bytes) {
    auto size = header_size(bytes);
    if (!size) return size.error();
    if (bytes.size() < *size) return make_error(ErrorKind::permanent, "UPDATE journal is cut short");
    JournalHeader h;
    h.dev = get(bytes, 8);
    h.ino = get(bytes, 16);
    h.chunk = get(bytes, 24);
    h.slot_size = get(bytes, 32);
    h.plan.old_size = get(bytes, 40);
    h.plan.new_size = get(bytes, 48);
    h.plan.prefix = get(bytes, 56);
    std::uint64_t count = get(bytes, 64);
    std::memcpy(h.marker.data(), bytes.data() + 72, h.marker.size());
    std::size_t sum_at = 72 + h.marker.size();
    std::size_t moves_at = sum_at + 32;
    std::string hashed = bytes.substr(0, sum_at) + bytes.substr(moves_at, count * 16);
    unsigned char sum[32];
    hash(sum, sizeof sum, hashed, hashed.size(), nullptr, 0);
    if (sodium_memcmp(sum, bytes.data() + sum_at, sizeof sum) != 0) {
        return make_error(ErrorKind::permanent, "UPDATE journal header fails its checksum");
    }
    for (std::uint64_t i = 0; i < count; ++i) {
        h.plan.moves.push_back(Range{get(bytes, moves_at + i * 16), get(bytes, moves_at + i * 16 + 8)});
    }
    if (h.chunk == 0 || h.chunk % journal_page != 0 || h.chunk > limits::rewrite_chunk ||
        h.slot_size > h.chunk ||
        !finish_plan(h.plan)) {
        return make_error(ErrorKind::permanent, "UPDATE journal describes an impossible rewrite");
    }
    return h;
}

std::string encode_record(const Record& r, const JournalHeader& h) {
    std::string out(record_magic, sizeof record_magic);
    put(out, r.seq);
    put(out, static_cast<std::uint64_t>(r.state));
    put(out, r.dst);
    put(out, r.end);
    put(out, r.saved);
    out.append(reinterpret_cast<const char*>(r.saved_sum.data()), r.saved_sum.size());
    unsigned char sum[record_hash];
    hash(sum, sizeof sum, out, out.size(), h.marker.data(), h.marker.size());
    out.append(reinterpret_cast<const char*>(sum), sizeof sum);
    out.resize(record_size, '\0');
    return out;
}

bool decode_record(const std::string& bytes, const JournalHeader& h, Record& r) {
    if (bytes.size() < record_size || std::memcmp(bytes.data(), record_magic, 8) != 0) return false;
    unsigned char sum[record_hash];
    hash(sum, sizeof sum, bytes, record_body, h.marker.data(), h.marker.size());
    if (sodium_memcmp(sum, bytes.data() + record_body, sizeof sum) != 0) return false;
    // The padding is zero: every byte of a record is checked.
    for (std::size_t i = record_body + record_hash; i < record_size; ++i)
        if (bytes[i] != '\0') return false;
    r.seq = get(bytes, 8);
    std::uint64_t state = get(bytes, 16);
    r.dst = get(bytes, 24);
    r.end = get(bytes, 32);
    r.saved = get(bytes, 40);
    std::memcpy(r.saved_sum.data(), bytes.data() + 48, r.saved_sum.size());
    if (state == static_cast<std::uint64_t>(RecordState::copied) ||
        state == static_cast<std::uint64_t>(RecordState::marked)) {
        r.state = static_cast<RecordState>(state);
        return true;
    }
    if (state != static_cast<std::uint64_t>(RecordState::step)) return false;
    r.state = RecordState::step;
    return r.dst >= h.plan.prefix && r.dst < r.end && r.end <= h.plan.new_size &&
           r.saved <= r.end - r.dst && r.saved <= h.slot_size;
}

SavedSum saved_checksum(const char* bytes, std::uint64_t n, const JournalHeader& h) {
    SavedSum sum;
    crypto_generichash(sum.data(), sum.size(), reinterpret_cast<const unsigned char*>(bytes), n,
                       h.marker.data(), h.marker.size());
    return sum;
}

std::uint64_t slots_offset(const JournalHeader& h) {
    return round_page(header_fixed_size + h.plan.moves.size() * 16);
}

static std::uint64_t slot_span(const JournalHeader& h) {
    return journal_page + round_page(h.slot_size);
}

std::uint64_t slot_record_offset(const JournalHeader& h, std::uint64_t seq) {
    return slots_offset(h) + (seq % 2) * slot_span(h);
}

std::uint64_t slot_data_offset(const JournalHeader& h, std::uint64_t seq) {
    return slot_record_offset(h, seq) + journal_page;
}

std::uint64_t journal_size(const JournalHeader& h) {
    return slots_offset(h) + 2 * slot_span(h);
}

}  // namespace pop3d::mbox
