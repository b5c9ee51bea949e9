#include "common/mbox/format/scan.h"

#include "common/mbox/format/line_count.h"

#include <immintrin.h>

#include <cstring>

namespace pop3d::mbox {
namespace {

constexpr std::string_view from_word = "From ";

bool empty_line_ends_at(const char* p, std::uint64_t lf, std::uint64_t floor) {
    // The line ending with the LF at `lf` is empty: the line end before it
    // (at or after `floor`, the From_ line's own LF) is directly before it.
    if (lf >= 1 && lf - 1 >= floor && p[lf - 1] == '\n') return true;
    return lf >= 2 && lf - 2 >= floor && p[lf - 1] == '\r' && p[lf - 2] == '\n';
}

bool boundary_at(const char* p, std::uint64_t size, std::uint64_t lf, std::uint64_t floor) {
    return lf + 1 + from_word.size() <= size &&
           std::memcmp(p + lf + 1, from_word.data(), from_word.size()) == 0 &&
           empty_line_ends_at(p, lf, floor);
}

}  // namespace

// An LF followed by 'F' is rare: only those are checked further.

// AVX2 where the CPU has it (chosen once, at run time): 32 bytes per step.
__attribute__((target("avx2"))) std::uint64_t next_boundary_avx2(const char* p, std::uint64_t size,
                                                                 std::uint64_t at, std::uint64_t floor) {
    const __m256i lf = _mm256_set1_epi8('\n');
    const __m256i f = _mm256_set1_epi8('F');
    std::uint64_t i = at;
    while (i + 33 <= size) {
        const __m256i here = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
        const __m256i next = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 1));
        unsigned mask = static_cast<unsigned>(_mm256_movemask_epi8(
            _mm256_and_si256(_mm256_cmpeq_epi8(here, lf), _mm256_cmpeq_epi8(next, f))));
        while (mask != 0) {
            const std::uint64_t hit = i + static_cast<unsigned>(__builtin_ctz(mask));
            if (boundary_at(p, size, hit, floor)) return hit;
            mask &= mask - 1;
        }
        i += 32;
    }
    for (; i < size; ++i) {
        if (p[i] == '\n' && boundary_at(p, size, i, floor)) return i;
    }
    return size;
}

std::uint64_t next_boundary_sse2(const char* p, std::uint64_t size, std::uint64_t at,
                                 std::uint64_t floor) {
    const __m128i lf = _mm_set1_epi8('\n');
    const __m128i f = _mm_set1_epi8('F');
    std::uint64_t i = at;
    while (i + 17 <= size) {
        const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
        const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 1));
        unsigned mask = static_cast<unsigned>(
            _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(here, lf), _mm_cmpeq_epi8(next, f))));
        while (mask != 0) {
            const std::uint64_t hit = i + static_cast<unsigned>(__builtin_ctz(mask));
            if (boundary_at(p, size, hit, floor)) return hit;
            mask &= mask - 1;
        }
        i += 16;
    }
    for (; i < size; ++i) {
        if (p[i] == '\n' && boundary_at(p, size, i, floor)) return i;
    }
    return size;
}

namespace {

std::uint64_t next_boundary(const char* p, std::uint64_t size, std::uint64_t at,
                            std::uint64_t floor) {
    return has_avx2() ? next_boundary_avx2(p, size, at, floor) : next_boundary_sse2(p, size, at, floor);
}

// The content ends before the separator: the empty line that ends at
// seg_end (if any; the From_ line's LF at body - 1 may precede it).
std::uint64_t trim_separator(const char* p, std::uint64_t body, std::uint64_t seg_end) {
    if (seg_end <= body || p[seg_end - 1] != '\n') return seg_end;
    const std::uint64_t lf = seg_end - 1;
    if (lf >= 1 && p[lf - 1] == '\n') return lf;
    if (lf >= 2 && lf - 2 + 1 >= body && p[lf - 1] == '\r' && p[lf - 2] == '\n') return lf - 1;
    return seg_end;
}

}  // namespace

bool starts_message(std::string_view data, std::uint64_t at) {
    if (at >= data.size() || data.substr(at, from_word.size()) != from_word) return false;
    return at == 0 || empty_line_ends_at(data.data(), at - 1, 0);
}

Span scan_one(std::string_view data, std::uint64_t from, std::uint64_t* next) {
    const char* p = data.data();
    const std::uint64_t size = data.size();
    const void* lf = std::memchr(p + from, '\n', size - from);
    const std::uint64_t body = lf ? static_cast<const char*>(lf) - p + 1 : size;
    *next = size;
    if (body < size) {
        const std::uint64_t boundary = next_boundary(p, size, body, body - 1);
        if (boundary < size) *next = boundary + 1;
    }
    return Span{from, body, trim_separator(p, body, *next)};
}

bool scan(std::string_view data, std::uint64_t start, std::vector<Span>& out) {
    if (start >= data.size()) return true;
    if (data.substr(start, from_word.size()) != from_word) return false;
    for (std::uint64_t from = start; from < data.size();) out.push_back(scan_one(data, from, &from));
    return true;
}

}  // namespace pop3d::mbox
