#pragma once
// Calibration ranges observed on several ranks, merged into the ranges one process observes.
#include <cstdint>
#include <vector>

#include "core/dist/dist_context.h"
#include "core/quant/range_observer.h"

namespace tdq {

// In place, on every rank: each layer's overall range and its range at each of `timesteps` (every
// time step any rank may have observed) become the union over the ranks; a range no rank saw
// stays unseen. Min and max are exact. A single process is left as it is.
void all_reduce_ranges(const DistContext& dist, RangeObserver& observer,
                       const std::vector<std::int64_t>& timesteps);

}  // namespace tdq
