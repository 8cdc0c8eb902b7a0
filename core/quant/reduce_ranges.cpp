#include "core/quant/reduce_ranges.h"

#include <ATen/ATen.h>

#include "core/dist/gather.h"

namespace tdq {

void all_reduce_ranges(const DistContext& dist, RangeObserver& observer,
                       const std::vector<std::int64_t>& timesteps) {
  if (!is_distributed(dist)) return;
  const auto layers = static_cast<std::int64_t>(observer.overall().size());
  const auto groups = static_cast<std::int64_t>(timesteps.size()) + 1;  // [0]: overall
  const auto ranges_of = [&](std::int64_t g) -> std::vector<RangeObserver::Range>& {
    return g == 0 ? observer.overall()
                  : observer.at_timestep(timesteps[static_cast<std::size_t>(g - 1)]);
  };
  at::Tensor mine = at::zeros({groups, layers, 3}, at::kDouble);  // min, max, seen
  auto m = mine.accessor<double, 3>();
  for (std::int64_t g = 0; g < groups; ++g) {
    const auto& ranges = ranges_of(g);
    for (std::int64_t l = 0; l < layers; ++l) {
      const auto& r = ranges[static_cast<std::size_t>(l)];
      if (!r.seen) continue;
      m[g][l][0] = r.min;
      m[g][l][1] = r.max;
      m[g][l][2] = 1;
    }
  }
  const at::Tensor gathered = all_gather_rows(dist, mine);
  const auto rows = gathered.accessor<double, 4>();
  for (std::int64_t g = 0; g < groups; ++g) {
    auto& ranges = ranges_of(g);
    for (std::int64_t l = 0; l < layers; ++l) {
      RangeObserver::Range merged;
      for (int rank = 0; rank < dist.world_size; ++rank) {
        if (rows[rank][g][l][2] > 0) merged.add(rows[rank][g][l][0], rows[rank][g][l][1]);
      }
      ranges[static_cast<std::size_t>(l)] = merged;
    }
  }
}

}  // namespace tdq
