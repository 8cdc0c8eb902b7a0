#pragma once
// A side-by-side record made on several ranks (`tdq analyze --nproc N`): every rank's
// accumulators reduced into the record one process makes.
#include <cstdint>

#include "core/dist/dist_context.h"
#include "core/record/side_by_side.h"

namespace tdq {

// In place, on every rank: counts, histograms, clip counts and per-step fallbacks are summed
// (exact), float64 sums and squared errors are summed (in another order than one process adds
// its batches: a few ulp), minima and maxima taken, and the kept final images gathered in sample
// order (the first min(keep_images, count) samples). The step images stay where they are: they
// come from batch 0, which rank 0 holds. A single process is left as it is.
void all_reduce_record(const DistContext& dist, SideBySideRecord& record, std::int64_t count,
                       std::int64_t keep_images);

}  // namespace tdq
