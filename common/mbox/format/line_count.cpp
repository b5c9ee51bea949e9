#include "common/mbox/format/line_count.h"

#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <string_view>

namespace pop3d::mbox {
namespace {

std::uint64_t sum_bytes(__m128i counters) {
    const __m128i sums = _mm_sad_epu8(counters, _mm_setzero_si128());
    return static_cast<std::uint64_t>(_mm_cvtsi128_si64(sums)) +
           static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
}

__attribute__((target("avx2"))) std::uint64_t sum_bytes_avx2(__m256i counters) {
    const __m256i sums = _mm256_sad_epu8(counters, _mm256_setzero_si256());
    return static_cast<std::uint64_t>(_mm256_extract_epi64(sums, 0)) +
           static_cast<std::uint64_t>(_mm256_extract_epi64(sums, 1)) +
           static_cast<std::uint64_t>(_mm256_extract_epi64(sums, 2)) +
           static_cast<std::uint64_t>(_mm256_extract_epi64(sums, 3));
}

// The bytes the vector loops do not cover: from i to n, one at a time
// (i >= 1, so the byte before an LF is always there).
void count_tail(const char* p, std::size_t i, std::size_t n, LineEnds& c) {
    for (; i < n; ++i) {
        if (p[i] != '\n') continue;
        ++c.lf;
        if (p[i - 1] == '\r') ++c.cr_lf;
    }
}

}  // namespace

// The same as the SSE2 loop below, 32 bytes per step.
__attribute__((target("avx2"))) LineEnds count_line_ends_avx2(const char* p, std::size_t n) {
    LineEnds c;
    if (n == 0) return c;
    if (p[0] == '\n') ++c.lf;
    std::size_t i = 1;
    const __m256i lf = _mm256_set1_epi8('\n');
    const __m256i cr = _mm256_set1_epi8('\r');
    while (n - i >= 32) {
        const std::size_t steps = std::min<std::size_t>((n - i) / 32, 255);
        __m256i acc_lf = _mm256_setzero_si256();
        __m256i acc_crlf = _mm256_setzero_si256();
        for (std::size_t s = 0; s < steps; ++s, i += 32) {
            const __m256i here = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
            const __m256i before = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i - 1));
            const __m256i is_lf = _mm256_cmpeq_epi8(here, lf);
            acc_lf = _mm256_sub_epi8(acc_lf, is_lf);
            acc_crlf = _mm256_sub_epi8(acc_crlf, _mm256_and_si256(is_lf, _mm256_cmpeq_epi8(before, cr)));
        }
        c.lf += sum_bytes_avx2(acc_lf);
        c.cr_lf += sum_bytes_avx2(acc_crlf);
    }
    count_tail(p, i, n, c);
    return c;
}

// SSE2 (every x86-64 has it): 16 bytes per step, per-byte counters that are
// folded into the totals before they can wrap (at most 255 steps). The byte
// before each block is loaded again to see a CR that precedes an LF across
// the block boundary.
LineEnds count_line_ends_sse2(const char* p, std::size_t n) {
    LineEnds c;
    if (n == 0) return c;
    if (p[0] == '\n') ++c.lf;
    std::size_t i = 1;
    const __m128i lf = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r');
    while (n - i >= 16) {
        const std::size_t steps = std::min<std::size_t>((n - i) / 16, 255);
        __m128i acc_lf = _mm_setzero_si128();
        __m128i acc_crlf = _mm_setzero_si128();
        for (std::size_t s = 0; s < steps; ++s, i += 16) {
            const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
            const __m128i before = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i - 1));
            const __m128i is_lf = _mm_cmpeq_epi8(here, lf);
            acc_lf = _mm_sub_epi8(acc_lf, is_lf);
            acc_crlf = _mm_sub_epi8(acc_crlf, _mm_and_si128(is_lf, _mm_cmpeq_epi8(before, cr)));
        }
        c.lf += sum_bytes(acc_lf);
        c.cr_lf += sum_bytes(acc_crlf);
    }
    count_tail(p, i, n, c);
    return c;
}

// Every ^>+From  line holds exactly one ">From " (its last '>' and the
// word), so finding those and walking back over the '>'s counts each line
// once.
bool has_avx2() {
    static const bool avx2 = __builtin_cpu_supports("avx2");
    return avx2;
}

LineEnds count_line_ends(const char* p, std::size_t n) {
    return has_avx2() ? count_line_ends_avx2(p, n) : count_line_ends_sse2(p, n);
}

std::uint64_t count_quoted_from_lines(const char* p, std::size_t n) {
    const std::string_view all(p, n);
    std::uint64_t count = 0;
    for (std::size_t at = all.find(">From "); at != std::string_view::npos;
         at = all.find(">From ", at + 1)) {
        std::size_t start = at;
        while (start > 0 && p[start - 1] == '>') --start;
        if (start == 0 || p[start - 1] == '\n') ++count;
    }
    return count;
}

std::uint64_t wire_octets(const char* p, std::size_t n, bool mboxrd) {
    if (n == 0) return 0;
    const LineEnds ends = count_line_ends(p, n);
    // Content bytes are n - lf - cr_lf; each line adds CRLF; the lines are
    // the LFs plus a last line without one.
    const std::uint64_t unterminated = p[n - 1] != '\n' ? 1 : 0;
    std::uint64_t size = n + ends.lf - ends.cr_lf + 2 * unterminated;
    if (mboxrd) size -= count_quoted_from_lines(p, n);
    return size;
}

}  // namespace pop3d::mbox
