#include "core/quant/range_observer.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "core/common/errors.h"

namespace tdq {

void RangeObserver::Range::add(double lo, double hi) {
  min = seen ? std::min(min, lo) : lo;
  max = seen ? std::max(max, hi) : hi;
  seen = true;
}

void RangeObserver::on_forward(const at::Tensor& timesteps) {
  // Calibration runs the sampler, where every sample of a batch is at the same step.
  timestep_ = timesteps.numel() ? timesteps.reshape({-1})[0].item<std::int64_t>() : -1;
}

at::Tensor RangeObserver::on_input(int layer, const at::Tensor& input) {
  const auto extrema = at::aminmax(input.detach());
  const double lo = std::get<0>(extrema).item<double>(), hi = std::get<1>(extrema).item<double>();
  if (!std::isfinite(lo) || !std::isfinite(hi)) {
    throw Error("calibration: NaN or Inf in the input of layer " +
                layers_.at(static_cast<std::size_t>(layer)).path +
                " at t=" + std::to_string(timestep_));
  }
  overall_.at(static_cast<std::size_t>(layer)).add(lo, hi);
  auto& per_t = per_timestep_[timestep_];
  if (per_t.empty()) per_t.resize(overall_.size());
  per_t[static_cast<std::size_t>(layer)].add(lo, hi);
  return input;
}

}  // namespace tdq
