// The replaying half of the crash harness: from the calls crash_recorder.h
// logged, every disk image a power cut may leave. The model: at a power cut
// the disk holds every change made before the last fsync/fdatasync that
// covers it (a file's data and size by a sync of that file; a create,
// rename or unlink by a sync of its directory, never by a sync of the file),
// plus ANY subset of the other changes made so far (pages of a write
// separately), applied in the order they were made. One crash point per
// sync: the changes made before a sync are the largest set pending there,
// so the subsets of it include every earlier instant in between.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "tests/common/mbox/update/crash_recorder.h"

namespace pop3d::mbox::test {

struct CrashSampling {
    // Up to this many pending changes every subset is built; beyond, the
    // empty and full sets, each one alone and each one left out, and
    // `samples` random subsets from `seed`.
    std::size_t exhaustive_up_to = 10;
    std::size_t samples = 64;
    std::uint64_t seed = 1;
};

struct CrashCounts {
    std::size_t crash_points = 0;
    std::size_t images = 0;         // subsets built
    std::size_t distinct = 0;       // distinct disk images, each visited once
    std::size_t largest_pending = 0;
};

// Calls `visit` once per distinct disk image, with the number of the call
// (in `ops`) before which the power failed.
CrashCounts for_each_crash_image(const DiskImage& initial, const std::vector<FileOp>& ops,
                                 const CrashSampling& sampling,
                                 const std::function<void(const DiskImage&, std::size_t)>& visit);

}  // namespace pop3d::mbox::test
