#include "core/dist/reduce_gaussian.h"

#include <ATen/ATen.h>

namespace tdq {

GaussianAccumulator all_reduce_gaussian(const DistContext& dist, const GaussianAccumulator& local,
                                        std::int64_t dim) {
  if (!is_distributed(dist)) return local;
  at::Tensor shift = at::zeros({dim}, at::kDouble);
  if (is_root(dist)) {
    if (local.count() == 0) {
      throw ConfigError("Gaussian statistics: rank 0 of a sharded run holds no samples");
    }
    shift.copy_(local.shift());
  }
  broadcast(dist, shift, 0);
  GaussianSums sums = local.sums_around(shift);
  // The count travels as a double: exact for any count below 2^53.
  std::vector<at::Tensor> parts = {sums.sum.contiguous(), sums.outer.contiguous(),
                                   at::full({1}, static_cast<double>(sums.count), at::kDouble)};
  all_reduce_sum(dist, parts);
  sums.sum = parts[0];
  sums.outer = parts[1];
  sums.count = static_cast<std::int64_t>(parts[2].item<double>());
  return GaussianAccumulator::from_sums(sums);
}

}  // namespace tdq
