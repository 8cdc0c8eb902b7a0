#pragma once
// The arithmetic every interval kind shares (docs/method.md sections 2-3): the interval, the
// MinMax rule, the weight grid and the table lookups.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>

#include <ATen/Tensor.h>

#include "core/quant/range_observer.h"
#include "kernels/fake_quant.h"

namespace tdq {

// A step size of zero (a constant-zero input, a dead channel) would divide by zero in the kernel.
constexpr float kMinScale = 1e-8f;

struct Interval {
  float scale = 1.0f;
  float zero_point = 0.0f;
};

// Weights use the symmetric grid, per tensor or per output channel.
inline kernels::GridSpec weight_grid(int bits) {
  return {kernels::GridKind::Symmetric, bits, 0.0, 0.0};
}

// The MinMax interval covering `range` on `grid`; asymmetric grids keep zero exact.
Interval interval_from_range(const RangeObserver::Range& range, const kernels::GridSpec& grid);

// The interval covering the same range as `interval` on `grid` with `bits` instead (scale times
// the ratio of the grids' qmax; an asymmetric zero point moves with it): per-window bits
// (WindowBits) reuse the interval calibrated at the layer's bits.
Interval interval_at_bits(const Interval& interval, const kernels::GridSpec& grid, int bits);

// The entry of `table` at t, or at the nearest time step it holds (ties: the larger t).
template <class Value>
const Value& nearest_entry(const std::map<std::int64_t, Value>& table, std::int64_t t) {
  auto above = table.lower_bound(t);
  if (above != table.end() && above->first == t) return above->second;
  if (above == table.end() ||
      (above != table.begin() && t - std::prev(above)->first < above->first - t)) {
    return std::prev(above)->second;
  }
  return above->second;
}

// Consecutive steps k of a schedule of `steps` fall into group k * groups / steps (0: one per
// step).
inline std::size_t group_count(std::size_t steps, int groups) {
  return groups == 0 ? steps : std::min<std::size_t>(steps, static_cast<std::size_t>(groups));
}

// [B] -> [B, 1, ...] broadcasting against x.
at::Tensor per_sample_view(const at::Tensor& values, const at::Tensor& x);

// A small host tensor (per-sample steps, time steps) on `device` without waiting for the device: a
// blocking copy to a GPU synchronises the stream, once per layer where a quantizer makes one.
// cudaMemcpyAsync stages pageable host memory before it returns, so `host` may go at once.
at::Tensor to_device_async(const at::Tensor& host, c10::Device device);

}  // namespace tdq
