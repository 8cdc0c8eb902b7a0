#include "core/quant/interval.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace tdq {

Interval interval_from_range(const RangeObserver::Range& range, const kernels::GridSpec& grid) {
  Interval interval;
  const double qmax = static_cast<double>(grid.qmax());
  switch (grid.kind) {
    case kernels::GridKind::Symmetric:
      interval.scale =
          static_cast<float>(std::max(std::abs(range.min), std::abs(range.max)) / qmax);
      break;
    case kernels::GridKind::Unsigned:
      interval.scale = static_cast<float>(std::max(0.0, range.max - grid.offset) / qmax);
      break;
    case kernels::GridKind::Asymmetric: {
      const double lo = std::min(range.min, 0.0),
                   hi = std::max(range.max, 0.0);  // zero stays exact
      interval.scale = static_cast<float>((hi - lo) / qmax);
      interval.zero_point = static_cast<float>(
          std::clamp(std::round(-lo / std::max<double>(interval.scale, kMinScale)), 0.0, qmax));
      break;
    }
  }
  interval.scale = std::max(interval.scale, kMinScale);
  return interval;
}

Interval interval_at_bits(const Interval& interval, const kernels::GridSpec& grid, int bits) {
  kernels::GridSpec to = grid;
  to.bits = bits;
  const double ratio = static_cast<double>(grid.qmax()) / static_cast<double>(to.qmax());
  Interval out;
  out.scale = std::max(static_cast<float>(interval.scale * ratio), kMinScale);
  if (grid.kind == kernels::GridKind::Asymmetric) {
    const double qmax = static_cast<double>(to.qmax());
    out.zero_point =
        static_cast<float>(std::clamp(std::round(interval.zero_point / ratio), 0.0, qmax));
  }
  return out;
}

at::Tensor to_device_async(const at::Tensor& host, c10::Device device) {
  return host.to(device, /*non_blocking=*/true);
}

at::Tensor per_sample_view(const at::Tensor& values, const at::Tensor& x) {
  std::vector<std::int64_t> shape(static_cast<std::size_t>(x.dim()), 1);
  shape[0] = values.numel();
  return values.view(shape);
}

}  // namespace tdq
