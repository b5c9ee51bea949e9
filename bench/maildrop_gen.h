// Deterministic, realistic mbox maildrops for the benchmark, and the manifest
// that lets the load generator check every retrieved byte.
#pragma once

#include <cstdint>
#include <string>

namespace bench {

struct GenSpec {
    std::uint64_t seed = 1;
    std::uint32_t count = 100;           // messages
    std::uint64_t approx_bytes = 1 << 20; // total size aimed at (sizes scale to it)
};

// Writes the mbox to mbox_path and its manifest to manifest_path; returns
// an empty string on success, else the reason.
std::string generate_maildrop(const GenSpec& spec, const std::string& mbox_path,
                              const std::string& manifest_path);

}  // namespace bench
