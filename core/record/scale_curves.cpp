#include "core/record/scale_curves.h"

#include <ATen/ATen.h>

#include <numeric>

namespace tdq {

at::Tensor scale_curves(const QuantizedModel& twin, const std::vector<std::int64_t>& timesteps) {
  const auto layers = static_cast<std::int64_t>(twin.slots().size());
  const auto count = static_cast<std::int64_t>(timesteps.size());
  at::Tensor out = at::zeros({layers, count}, at::kDouble);
  auto a = out.accessor<double, 2>();
  for (std::int64_t l = 0; l < layers; ++l) {
    const auto curve = twin.activation_curve(static_cast<int>(l), timesteps);
    for (std::size_t k = 0; k < curve.scale.size(); ++k)
      a[l][static_cast<std::int64_t>(k)] = curve.scale[k];
  }
  return out;
}

at::Tensor scale_curves(const QuantizedModel& twin, std::int64_t num_timesteps) {
  std::vector<std::int64_t> all(static_cast<std::size_t>(num_timesteps));
  std::iota(all.begin(), all.end(), 0);
  return scale_curves(twin, all);
}

}  // namespace tdq
