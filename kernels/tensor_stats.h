#pragma once
// One-pass statistics of an activation tensor: the recorder calls this for every quantizer input
// at every sampling step, so it reads the data once and keeps per-chunk partial results.
#include <cstdint>
#include <vector>

#include <ATen/Tensor.h>

#include "kernels/stats_chunks.h"

namespace tdq::kernels {

struct TensorStats {
  std::int64_t count = 0;      // finite values
  std::int64_t nan_count = 0;  // NaN or +-Inf, excluded from every other field
  double min = 0, max = 0, abs_max = 0, mean = 0, std = 0;  // std: population (divide by count)
  double sum = 0, sum_squares = 0;  // kept so statistics of several tensors can be merged exactly
  // Fixed bins over [lo, hi): bin i covers [lo + i w, lo + (i+1) w); values outside are counted in
  // below / above, never dropped. A value's bin is floor((v - lo) * (bins / (hi - lo))), computed
  // in the tensor's precision: float32 arithmetic with lo and the factor rounded to float32 for
  // float32 tensors (what lets the fused kernel use 8 lanes), float64 for others.
  double lo = 0, hi = 0;
  std::vector<std::int64_t> histogram;
  std::int64_t below = 0, above = 0;
};

// `bins` may be 0 (no histogram). Requires lo < hi when bins > 0. float32 CPU tensors use the fused
// kernel; others go through the reference. The result is the same bits whatever `threads` and
// LibTorch's thread count are.
TensorStats tensor_stats(const at::Tensor& x, std::int64_t bins = 0, double lo = 0, double hi = 1,
                         StatsThreads threads = StatsThreads::pool);
TensorStats tensor_stats_reference(const at::Tensor& x, std::int64_t bins = 0, double lo = 0,
                                   double hi = 1);

}  // namespace tdq::kernels
