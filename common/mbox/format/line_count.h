// Counting line ends in stored message bytes at memory speed. The size a
// client is told (RFC 1939 section 11) follows from these counts alone, so
// this is the loop that runs over every byte of a maildrop at first open.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pop3d::mbox {

struct LineEnds {
    std::uint64_t lf = 0;     // every '\n'
    std::uint64_t cr_lf = 0;  // '\n' directly preceded by '\r' inside the range
};

// Pure; p may be null when n is 0.
LineEnds count_line_ends(const char* p, std::size_t n);

// The two instruction-set variants count_line_ends() chooses from (AVX2
// when the CPU has it), exposed so tests can check both on any machine that
// has AVX2. Call the AVX2 one only where has_avx2().
bool has_avx2();
LineEnds count_line_ends_sse2(const char* p, std::size_t n);
LineEnds count_line_ends_avx2(const char* p, std::size_t n);

// Lines of [p, p + n) matching ^>+From  (mboxrd quoting); p starts a line.
std::uint64_t count_quoted_from_lines(const char* p, std::size_t n);

// The octets RETR sends for stored bytes [p, p + n) (which start a line):
// every line end becomes CRLF, a last line without one gets CRLF, and under
// mboxrd each ^>+From  line loses one '>'. Dot-stuffing is not counted.
std::uint64_t wire_octets(const char* p, std::size_t n, bool mboxrd);

}  // namespace pop3d::mbox
