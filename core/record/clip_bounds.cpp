#include "core/record/clip_bounds.h"

#include <ATen/ATen.h>

#include <limits>
#include <numeric>

namespace tdq {

ClipBounds clip_bounds(const kernels::GridSpec& grid, double scale) {
  // The kernel holds offset and zero point in float32: rounded the same way here, a value that
  // sits exactly on a bound (the SiLU minimum itself) is inside for both.
  const double offset = static_cast<float>(grid.offset);
  const double zero = static_cast<float>(grid.zero_point);
  return {(static_cast<double>(grid.qmin()) - zero) * scale + offset,
          (static_cast<double>(grid.qmax()) - zero) * scale + offset};
}

IntervalCurves interval_curves(const QuantizedModel& twin,
                               const std::vector<std::int64_t>& timesteps) {
  const auto layers = static_cast<std::int64_t>(twin.slots().size());
  const auto count = static_cast<std::int64_t>(timesteps.size());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  IntervalCurves out{at::full({layers, count}, nan, at::kDouble),
                     at::full({layers, count}, nan, at::kDouble)};
  auto lo = out.lo.accessor<double, 2>();
  auto hi = out.hi.accessor<double, 2>();
  for (std::int64_t l = 0; l < layers; ++l) {
    // Empty for dynamic methods and uncalibrated quantizers: no fixed interval.
    const auto curve = twin.activation_curve(static_cast<int>(l), timesteps);
    for (std::size_t k = 0; k < curve.scale.size(); ++k) {
      if (!(curve.scale[k] > 0)) continue;
      const ClipBounds bounds = clip_bounds(curve.grid[k], curve.scale[k]);
      lo[l][static_cast<std::int64_t>(k)] = bounds.lo;
      hi[l][static_cast<std::int64_t>(k)] = bounds.hi;
    }
  }
  return out;
}

IntervalCurves interval_curves(const QuantizedModel& twin, std::int64_t num_timesteps) {
  std::vector<std::int64_t> all(static_cast<std::size_t>(num_timesteps));
  std::iota(all.begin(), all.end(), 0);
  return interval_curves(twin, all);
}

at::Tensor envelope_clipped(const at::Tensor& fp_min, const at::Tensor& fp_max,
                            const at::Tensor& lo, const at::Tensor& hi) {
  // Comparisons with NaN are false, so a layer without an interval is never clipped.
  return fp_min.lt(lo).logical_or(fp_max.gt(hi)).to(at::kLong);
}

}  // namespace tdq
