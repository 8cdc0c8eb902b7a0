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

std::vector<RangeObserver::Range>& RangeObserver::at_timestep(std::int64_t t) {
  auto& per_t = per_timestep_[t];
  if (per_t.empty()) per_t.resize(overall_.size());
  return per_t;
}

void RangeObserver::on_forward(const at::Tensor& timesteps) {
  mixed_.clear();
  timestep_ = -1;
  if (timesteps.numel() == 0) return;
  const at::Tensor t = timesteps.reshape({-1}).to(at::kCPU, at::kLong).contiguous();
  const std::int64_t* values = t.data_ptr<std::int64_t>();
  if (std::all_of(values, values + t.numel(), [&](std::int64_t v) { return v == values[0]; })) {
    timestep_ = values[0];  // the sampler: every sample of a batch is at the same step
  } else {
    mixed_.assign(values, values + t.numel());  // a calibration set's batch
  }
}

at::Tensor RangeObserver::on_input(int layer, const at::Tensor& input) {
  const auto where = [&](std::int64_t t) {
    return "calibration: NaN or Inf in the input of layer " +
           layers_.at(static_cast<std::size_t>(layer)).path + " at t=" + std::to_string(t);
  };
  const auto l = static_cast<std::size_t>(layer);
  if (mixed_.empty() || input.dim() == 0 ||
      input.size(0) != static_cast<std::int64_t>(mixed_.size())) {
    const auto extrema = at::aminmax(input.detach());
    const double lo = std::get<0>(extrema).item<double>(), hi = std::get<1>(extrema).item<double>();
    if (!std::isfinite(lo) || !std::isfinite(hi)) throw Error(where(timestep_));
    overall_.at(l).add(lo, hi);
    at_timestep(timestep_)[l].add(lo, hi);
    return input;
  }
  // Each sample's own extremes go to its own time step.
  const auto extrema = at::aminmax(input.detach().reshape({input.size(0), -1}), 1);
  const at::Tensor lo = std::get<0>(extrema).to(at::kCPU, at::kDouble).contiguous();
  const at::Tensor hi = std::get<1>(extrema).to(at::kCPU, at::kDouble).contiguous();
  for (std::size_t i = 0; i < mixed_.size(); ++i) {
    const double a = lo.data_ptr<double>()[i], b = hi.data_ptr<double>()[i];
    if (!std::isfinite(a) || !std::isfinite(b)) throw Error(where(mixed_[i]));
    overall_.at(l).add(a, b);
    at_timestep(mixed_[i])[l].add(a, b);
  }
  return input;
}

}  // namespace tdq
