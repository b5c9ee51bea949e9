// The UPDATE journal's bytes: encoding and checking only, no I/O. The file is
// private to one user on one host, so integers are stored in host order.
//
// Layout: [header | moves] padded to a page, then two record slots, each a
// page holding a record and `slot_size` bytes of saved data.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "common/limits.h"
#include "common/mbox/update/rewrite_plan.h"
#include "common/result.h"

namespace pop3d::mbox {

inline constexpr std::uint64_t journal_page = 4096;

struct JournalHeader {
    std::uint64_t dev = 0;  // the mbox this journal belongs to
    std::uint64_t ino = 0;
    std::uint64_t chunk = 0;
    std::uint64_t slot_size = 0;
    std::array<unsigned char, limits::rewrite_marker> marker{};
    RewritePlan plan;
};

std::string encode_header(const JournalHeader& header);
// The bytes of a whole journal file (or at least its header part).
Result<JournalHeader> decode_header(const std::string& bytes);
// Bytes needed to decode the header, given its first header_fixed_size bytes.
inline constexpr std::size_t header_fixed_size = 8 + 8 * 8 + limits::rewrite_marker + 32;
Result<std::uint64_t> header_size(const std::string& fixed);

// step: a step is being written; copied: every step is in place; marked:
// the marker is past the new end too, and the truncation may have happened.
enum class RecordState : std::uint64_t { step = 1, copied = 2, marked = 3 };

inline constexpr std::size_t saved_sum_size = 16;
using SavedSum = std::array<unsigned char, saved_sum_size>;

struct Record {
    std::uint64_t seq = 0;
    RecordState state = RecordState::step;
    std::uint64_t dst = 0;
    std::uint64_t end = 0;
    std::uint64_t saved = 0;
    // Of the step's saved bytes: the record and its saved bytes reach the
    // disk in either order, so a record is used only with its own bytes.
    SavedSum saved_sum{};
};

inline constexpr std::size_t record_size = 128;
std::string encode_record(const Record& record, const JournalHeader& header);
// False for a torn, zeroed or foreign record.
bool decode_record(const std::string& bytes, const JournalHeader& header, Record& record);
SavedSum saved_checksum(const char* bytes, std::uint64_t n, const JournalHeader& header);

// Where things are in the journal file.
std::uint64_t slots_offset(const JournalHeader& header);
std::uint64_t slot_record_offset(const JournalHeader& header, std::uint64_t seq);
std::uint64_t slot_data_offset(const JournalHeader& header, std::uint64_t seq);
std::uint64_t journal_size(const JournalHeader& header);

}  // namespace pop3d::mbox
