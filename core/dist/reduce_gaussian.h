#pragma once
// Feature moments of a sharded run: each rank's sums, reduced exactly (core/eval/frechet.h).
#include <cstdint>

#include "core/dist/dist_context.h"
#include "core/eval/frechet.h"

namespace tdq {

// The accumulator of every rank's samples together, on every rank: each rank's sums moved to
// rank 0's shift (rank 0 holds the first batch, so that is the shift one process would use), then
// summed with the counts. Ranks without samples add zeros. `dim` is the feature width.
// ConfigError when rank 0 has no samples; DistError when a peer stops.
GaussianAccumulator all_reduce_gaussian(const DistContext& dist, const GaussianAccumulator& local,
                                        std::int64_t dim);

}  // namespace tdq
