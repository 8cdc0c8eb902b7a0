#include "core/quant/dynamic_intervals.h"

#include <ATen/ATen.h>

#include "kernels/fake_quant.h"

namespace tdq {

at::Tensor DynamicIntervals::quantize(std::size_t, const ActivationQuantizer& q,
                                      const at::Tensor& input, const at::Tensor&) {
  const kernels::GridSpec& grid = q.grid;
  const at::Tensor x = input.to(at::kFloat);
  const at::Tensor flat = x.reshape({x.size(0), -1});
  const double qmax = static_cast<double>(grid.qmax());
  if (grid.kind == kernels::GridKind::Asymmetric) {
    const at::Tensor lo = flat.amin(1).clamp_max(0), hi = flat.amax(1).clamp_min(0);
    const at::Tensor scale = ((hi - lo) / qmax).clamp_min(kMinScale);
    const at::Tensor zero = at::round(-lo / scale).clamp(0, qmax);
    const at::Tensor s = per_sample_view(scale, x), z = per_sample_view(zero, x);
    return ((at::round(at::clamp(x / s + z, 0, qmax)) - z) * s).to(input.scalar_type());
  }
  const at::Tensor scale =
      grid.kind == kernels::GridKind::Symmetric
          ? (flat.abs().amax(1) / qmax).clamp_min(kMinScale)
          : ((flat.amax(1) - grid.offset).clamp_min(0) / qmax).clamp_min(kMinScale);
  return kernels::fake_quant_forward(x.contiguous(), scale.contiguous(), grid)
      .to(input.scalar_type());
}

}  // namespace tdq
