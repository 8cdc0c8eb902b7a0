#include "core/quant/table_intervals.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/common/errors.h"
#include "core/quant/interval.h"

namespace tdq {

void TableIntervals::calibrated(TwinSlots slots, const RangeObserver& observer,
                                const std::vector<std::int64_t>& timesteps) {
  const auto& per_t = observer.per_timestep();
  const std::size_t steps = timesteps.size(), groups = group_count(steps, groups_);
  for (std::size_t i = 0; i < slots.placement.size(); ++i) {
    if (!slots.placement[i].quantized) continue;
    ActivationQuantizer& q = slots.quantizers[i].activation;
    // Each group of consecutive steps shares the union of its ranges.
    for (std::size_t g = 0; g < groups; ++g) {
      const std::size_t begin = g * steps / groups, end = (g + 1) * steps / groups;
      RangeObserver::Range range;
      for (std::size_t k = begin; k < end; ++k) {
        auto it = per_t.find(timesteps[k]);
        if (it == per_t.end())
          throw Error("calibration has no data for t=" + std::to_string(timesteps[k]));
        const auto& r = it->second.at(i);
        if (r.seen) range.add(r.min, r.max);
      }
      if (!range.seen) throw Error("calibration saw no input for layer " + slots.placement[i].path);
      const Interval interval = interval_from_range(range, q.grid);
      for (std::size_t k = begin; k < end; ++k) q.by_timestep[timesteps[k]] = interval;
    }
  }
}

void TableIntervals::init_table(TwinSlots slots, const std::vector<std::int64_t>& timesteps) const {
  if (timesteps.empty()) throw ConfigError("a per-step table needs the sampler's time steps");
  const std::size_t steps = timesteps.size(), groups = group_count(steps, groups_);
  for (std::size_t i = 0; i < slots.placement.size(); ++i) {
    ActivationQuantizer& q = slots.quantizers[i].activation;
    if (!slots.placement[i].quantized || !q.calibrated) continue;
    q.by_timestep.clear();
    q.group_of.clear();
    for (std::size_t k = 0; k < steps; ++k) {
      q.by_timestep[timesteps[k]] = q.fixed;
      q.group_of[timesteps[k]] = static_cast<std::int64_t>(k * groups / steps);
    }
  }
}

bool TableIntervals::falls_back(ConstTwinSlots slots, const at::Tensor& timesteps) const {
  // Every table holds the same time steps, so one quantized layer tells.
  const auto* t = timesteps.data_ptr<std::int64_t>();
  for (std::size_t i = 0; i < slots.placement.size(); ++i) {
    const ActivationQuantizer& q = slots.quantizers[i].activation;
    if (!slots.placement[i].quantized || !q.calibrated) continue;
    bool fell_back = false;
    for (std::int64_t b = 0; b < timesteps.numel(); ++b) fell_back |= !q.by_timestep.count(t[b]);
    return fell_back;
  }
  return false;
}

Interval TableIntervals::interval(std::size_t, const ActivationQuantizer& q, std::int64_t t) const {
  // Nearest calibrated time step: a schedule the table was not built for still samples.
  return q.by_timestep.empty() ? q.fixed : nearest_entry(q.by_timestep, t);
}

at::Tensor TableIntervals::begin_learning(std::size_t, const ActivationQuantizer& q,
                                          c10::Device device) {
  if (q.group_of.empty()) {
    throw ConfigError("a per-step table learns only after init_step_table");
  }
  std::int64_t groups = 0;
  for (const auto& entry : q.group_of) groups = std::max(groups, entry.second + 1);
  std::vector<float> log_steps(static_cast<std::size_t>(groups));
  for (const auto& [t, group] : q.group_of) {
    log_steps[static_cast<std::size_t>(group)] = std::log(q.by_timestep.at(t).scale);
  }
  return at::tensor(log_steps, at::kFloat).to(device).set_requires_grad(true);
}

at::Tensor TableIntervals::learned_scale(std::size_t, const ActivationQuantizer& q,
                                         const at::Tensor& trainable, const at::Tensor& timesteps,
                                         c10::Device device) {
  if (!timesteps.defined() || timesteps.numel() == 0)
    throw Error("a per-step table needs the time step (on_forward was not called)");
  std::vector<std::int64_t> groups(static_cast<std::size_t>(timesteps.numel()));
  const auto* t = timesteps.data_ptr<std::int64_t>();
  for (std::size_t b = 0; b < groups.size(); ++b) groups[b] = nearest_entry(q.group_of, t[b]);
  return at::exp(trainable).index_select(0, to_device_async(at::tensor(groups, at::kLong), device));
}

void TableIntervals::end_learning(std::size_t, ActivationQuantizer& q, const at::Tensor& trainable,
                                  bool keep, const std::string& path, std::string& not_finite) {
  const at::Tensor scales = trainable.detach().exp().to(at::kCPU);
  if (!at::isfinite(scales).all().item<bool>()) {
    if (not_finite.empty()) not_finite = path + " (table)";
  } else if (keep) {
    for (const auto& [t, group] : q.group_of)
      q.by_timestep.at(t).scale = std::max(scales[group].item<float>(), kMinScale);
  }
}

void TableIntervals::save(ConstTwinSlots slots, TensorMap& out) const {
  for (std::size_t i = 0; i < slots.placement.size(); ++i) {
    const ActivationQuantizer& q = slots.quantizers[i].activation;
    if (!slots.placement[i].quantized || !q.calibrated) continue;
    std::vector<std::int64_t> ts;
    std::vector<float> scales, zeros;
    for (const auto& [t, interval] : q.by_timestep) {
      ts.push_back(t);
      scales.push_back(interval.scale);
      zeros.push_back(interval.zero_point);
    }
    const std::string& path = slots.placement[i].path;
    out["act." + path + ".timesteps"] = at::tensor(ts, at::kLong);
    out["act." + path + ".scale"] = at::tensor(scales, at::kFloat);
    out["act." + path + ".zero_point"] = at::tensor(zeros, at::kFloat);
  }
}

void TableIntervals::load(TwinSlots slots, const StateLookup& get) {
  for (std::size_t i = 0; i < slots.placement.size(); ++i) {
    if (!slots.placement[i].quantized) continue;
    const std::string& path = slots.placement[i].path;
    ActivationQuantizer& q = slots.quantizers[i].activation;
    const at::Tensor ts = get("act." + path + ".timesteps").to(at::kLong);
    const at::Tensor scales = get("act." + path + ".scale").to(at::kFloat);
    const at::Tensor zeros = get("act." + path + ".zero_point").to(at::kFloat);
    if (ts.dim() != 1 || scales.sizes() != ts.sizes() || zeros.sizes() != ts.sizes() ||
        ts.numel() == 0) {
      throw ConfigError("table of " + path + " has inconsistent shapes");
    }
    if (!at::isfinite(scales).all().item<bool>())
      throw ConfigError("table of " + path + " has non-finite steps");
    q.by_timestep.clear();
    for (std::int64_t k = 0; k < ts.numel(); ++k) {
      q.by_timestep[ts[k].item<std::int64_t>()] = {scales[k].item<float>(), zeros[k].item<float>()};
    }
    q.calibrated = true;
  }
}

}  // namespace tdq
