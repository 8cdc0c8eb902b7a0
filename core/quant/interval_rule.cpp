#include "core/quant/interval_rule.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/common/errors.h"
#include "core/quant/dynamic_intervals.h"
#include "core/quant/table_intervals.h"
#include "core/quant/temporal_intervals.h"
#include "kernels/fake_quant.h"

namespace tdq {

std::vector<Interval> IntervalRule::intervals(std::size_t slot, const ActivationQuantizer& q,
                                              const std::vector<std::int64_t>& timesteps) const {
  std::vector<Interval> out;
  out.reserve(timesteps.size());
  for (const std::int64_t t : timesteps) out.push_back(interval(slot, q, t));
  return out;
}

at::Tensor IntervalRule::quantize(std::size_t slot, const ActivationQuantizer& q,
                                  const at::Tensor& input, const at::Tensor& timesteps) {
  const std::int64_t t =
      timesteps.defined() && timesteps.numel() ? timesteps[0].item<std::int64_t>() : -1;
  const Interval fixed = interval(slot, q, t);
  kernels::GridSpec grid = q.grid;
  grid.zero_point = fixed.zero_point;
  const at::Tensor scale =
      at::full({}, fixed.scale, at::TensorOptions().dtype(at::kFloat).device(input.device()));
  return kernels::fake_quant_forward(input.to(at::kFloat).contiguous(), scale.contiguous(), grid)
      .to(input.scalar_type());
}

at::Tensor IntervalRule::begin_learning(std::size_t, const ActivationQuantizer& q,
                                        c10::Device device) {
  // Learned as log s: the step stays positive whatever the update.
  return at::full({}, std::log(q.fixed.scale), at::TensorOptions().dtype(at::kFloat).device(device))
      .set_requires_grad(true);
}

at::Tensor IntervalRule::learned_scale(std::size_t, const ActivationQuantizer&,
                                       const at::Tensor& trainable, const at::Tensor&,
                                       c10::Device) {
  return at::exp(trainable);
}

void IntervalRule::end_learning(std::size_t, ActivationQuantizer& q, const at::Tensor& trainable,
                                bool keep, const std::string& path, std::string& not_finite) {
  if (!trainable.defined()) return;
  const float learned = trainable.item<float>();
  if (learned == std::log(q.fixed.scale)) return;  // unchanged: exp(log s) may not give back s
  const float scale = std::exp(learned);
  if (!std::isfinite(scale) && not_finite.empty()) not_finite = path;
  if (keep && std::isfinite(scale)) q.fixed.scale = std::max(scale, kMinScale);
}

void IntervalRule::save(ConstTwinSlots slots, TensorMap& out) const {
  for (std::size_t i = 0; i < slots.placement.size(); ++i) {
    const ActivationQuantizer& q = slots.quantizers[i].activation;
    if (!slots.placement[i].quantized || !q.calibrated) continue;
    const std::string& path = slots.placement[i].path;
    out["act." + path + ".scale"] = at::full({}, q.fixed.scale);
    out["act." + path + ".zero_point"] = at::full({}, q.fixed.zero_point);
  }
}

void IntervalRule::load(TwinSlots slots, const StateLookup& get) {
  for (std::size_t i = 0; i < slots.placement.size(); ++i) {
    if (!slots.placement[i].quantized) continue;
    const std::string& path = slots.placement[i].path;
    ActivationQuantizer& q = slots.quantizers[i].activation;
    const at::Tensor& scale = get("act." + path + ".scale");
    const at::Tensor& zero = get("act." + path + ".zero_point");
    if (scale.numel() != 1 || zero.numel() != 1)
      throw ConfigError("step of " + path + " is not a scalar");
    q.fixed = {scale.item<float>(), zero.item<float>()};
    if (!std::isfinite(q.fixed.scale) || !(q.fixed.scale > 0)) {
      throw ConfigError("step of " + path + " is not positive and finite");
    }
    q.calibrated = true;
  }
}

std::unique_ptr<IntervalRule> make_interval_rule(const QuantConfig& config,
                                                 std::int64_t encoding_dim, c10::Device device) {
  switch (interval_kind(config.method)) {
    case IntervalKind::Static:
      return std::make_unique<IntervalRule>();
    case IntervalKind::PerStep:
      return std::make_unique<TableIntervals>(config.table_groups);
    case IntervalKind::Dynamic:
      return std::make_unique<DynamicIntervals>();
    case IntervalKind::Temporal:
      return std::make_unique<TemporalIntervals>(config, encoding_dim, device);
  }
  throw Error("unknown interval kind");
}

}  // namespace tdq
