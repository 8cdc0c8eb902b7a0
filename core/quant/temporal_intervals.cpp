#include "core/quant/temporal_intervals.h"

#include <ATen/ATen.h>

#include <cmath>
#include <functional>

#include "core/common/errors.h"
#include "core/quant/interval.h"
#include "kernels/fake_quant.h"

namespace tdq {

namespace {

constexpr const char* kBakedTimesteps = "tdq_baked.timesteps";
constexpr const char* kBakedScales = "tdq_baked.scale";

// LibTorch initialises Linear layers from the global generator; seeding it per quantizer (and
// restoring it) makes a TDQ MLP's initial weights a function of its path, not of what ran before.
TdqModule seeded_tdq_module(const TdqModuleOptions& options, double initial_scale,
                            std::uint64_t seed) {
  // No lock held here: the initialisers lock the generator themselves.
  at::Generator global = at::detail::getDefaultCPUGenerator();
  const at::Tensor saved = global.get_state();
  global.set_current_seed(seed);
  TdqModule module(options, initial_scale);
  global.set_state(saved);
  return module;
}

// The per-step MinMax intervals (what the table method would use) as the MLPs' start. Between
// calibrated steps the targets are interpolated (linearly in log s, at every integer t): fitted
// to the steps alone, the MLP's high-frequency encoding made s(t) wiggle between them, which the
// Layer Range view showed over all t.
std::vector<TimedScales> per_step_targets(TwinSlots slots, const RangeObserver& observer) {
  std::vector<TimedScales> targets(slots.placement.size());
  for (std::size_t i = 0; i < slots.placement.size(); ++i) {
    if (!slots.placement[i].quantized) continue;
    std::int64_t previous_t = -1;
    double previous_log = 0;
    for (const auto& [t, ranges] : observer.per_timestep()) {  // ascending t
      if (!ranges.at(i).seen) continue;
      const double log_s =
          std::log(interval_from_range(ranges.at(i), slots.quantizers[i].activation.grid).scale);
      for (std::int64_t u = previous_t >= 0 ? previous_t + 1 : t; u <= t; ++u) {
        const double w = u == t ? 1.0 : double(u - previous_t) / double(t - previous_t);
        targets[i].timesteps.push_back(u);
        targets[i].scales.push_back(std::exp((1 - w) * previous_log + w * log_s));
      }
      previous_t = t;
      previous_log = log_s;
    }
  }
  return targets;
}

}  // namespace

TemporalIntervals::TemporalIntervals(const QuantConfig& config, std::int64_t encoding_dim,
                                     c10::Device device)
    : per_step_start_(config.tdq_init == TdqInit::PerStep), device_(device) {
  options_.encoding_dim = config.tdq_encoding_dim > 0 ? config.tdq_encoding_dim : encoding_dim;
  options_.hidden = config.tdq_hidden;
  options_.depth = config.tdq_depth;
  if (config.tdq_constant_t) options_.constant_timestep = options_.timestep_range / 2;
}

void TemporalIntervals::create_modules(TwinSlots slots) {
  modules_.clear();
  baked_ = BakedIntervalTable();
  for (std::size_t i = 0; i < slots.placement.size(); ++i) {
    ActivationQuantizer& q = slots.quantizers[i].activation;
    q.tdq = -1;
    if (!slots.placement[i].quantized || !q.calibrated) continue;
    q.tdq = static_cast<int>(modules_.size());
    TdqModule module = seeded_tdq_module(options_, q.fixed.scale,
                                         std::hash<std::string>{}(slots.placement[i].path));
    module->to(device_);
    module->eval();  // dropout (when set) only while learning
    modules_.push_back(module);
  }
}

void TemporalIntervals::calibrated(TwinSlots slots, const RangeObserver& observer,
                                   const std::vector<std::int64_t>& timesteps) {
  create_modules(slots);
  if (per_step_start_) fit(slots, per_step_targets(slots, observer));
  bake(timesteps);
}

void TemporalIntervals::fit(TwinSlots slots, const std::vector<TimedScales>& targets) {
  if (targets.size() != slots.placement.size())
    throw Error("fit_temporal: one target set per layer expected");
  fit_rms_.assign(slots.placement.size(), 0.0);
  for (std::size_t i = 0; i < slots.placement.size(); ++i) {
    const ActivationQuantizer& q = slots.quantizers[i].activation;
    if (q.tdq < 0 || targets[i].timesteps.empty()) continue;
    try {
      fit_rms_[i] = fit_tdq_module(modules_.at(static_cast<std::size_t>(q.tdq)), targets[i]);
    } catch (const Error& e) {
      throw Error("TDQ time-aware start of " + slots.placement[i].path + ": " + e.what());
    }
  }
  if (!baked_.timesteps().empty()) bake(baked_.timesteps());
}

void TemporalIntervals::bake(const std::vector<std::int64_t>& timesteps) {
  baked_ = BakedIntervalTable(modules_, timesteps);
}

bool TemporalIntervals::falls_back(ConstTwinSlots, const at::Tensor& timesteps) const {
  const auto* t = timesteps.data_ptr<std::int64_t>();
  bool fell_back = false;
  for (std::int64_t b = 0; b < timesteps.numel(); ++b) fell_back |= !baked_.contains(t[b]);
  return fell_back;
}

Interval TemporalIntervals::interval(std::size_t, const ActivationQuantizer& q,
                                     std::int64_t t) const {
  if (q.tdq < 0) return q.fixed;
  return {baked_.interval(modules_, static_cast<std::size_t>(q.tdq), t, nullptr),
          q.fixed.zero_point};
}

std::vector<Interval> TemporalIntervals::intervals(
    std::size_t slot, const ActivationQuantizer& q,
    const std::vector<std::int64_t>& timesteps) const {
  if (q.tdq < 0) return IntervalRule::intervals(slot, q, timesteps);
  const std::vector<float> scales =
      baked_.intervals(modules_, static_cast<std::size_t>(q.tdq), timesteps);
  std::vector<Interval> out;
  out.reserve(scales.size());
  for (const float scale : scales) out.push_back({scale, q.fixed.zero_point});
  return out;
}

at::Tensor TemporalIntervals::scales(std::size_t slot, const ActivationQuantizer& q,
                                     const at::Tensor& timesteps, bool learning) {
  at::Tensor& cached = cache_[slot];
  if (cached.defined()) return cached;
  if (!timesteps.defined() || timesteps.numel() == 0) {
    throw Error("a TDQ quantizer needs the time step (on_forward was not called)");
  }
  const auto module = static_cast<std::size_t>(q.tdq);
  if (learning) {
    cached = modules_.at(module)->forward(to_device_async(timesteps, device_));
  } else {
    std::vector<float> values(static_cast<std::size_t>(timesteps.numel()));
    const auto* t = timesteps.data_ptr<std::int64_t>();
    for (std::size_t b = 0; b < values.size(); ++b) {
      values[b] = b > 0 && t[b] == t[b - 1] ? values[b - 1]
                                            : baked_.interval(modules_, module, t[b], nullptr);
    }
    cached = to_device_async(at::tensor(values, at::kFloat), device_);
  }
  return cached;
}

at::Tensor TemporalIntervals::quantize(std::size_t slot, const ActivationQuantizer& q,
                                       const at::Tensor& input, const at::Tensor& timesteps) {
  kernels::GridSpec grid = q.grid;
  grid.zero_point = q.fixed.zero_point;
  const at::Tensor scale = scales(slot, q, timesteps, false);
  return kernels::fake_quant_forward(input.to(at::kFloat).contiguous(),
                                     scale.to(input.device()).contiguous(), grid)
      .to(input.scalar_type());
}

at::Tensor TemporalIntervals::begin_learning(std::size_t, const ActivationQuantizer& q,
                                             c10::Device) {
  modules_.at(static_cast<std::size_t>(q.tdq))->train();
  return {};  // the MLP's parameters learn (add_module_trainables)
}

at::Tensor TemporalIntervals::learned_scale(std::size_t slot, const ActivationQuantizer& q,
                                            const at::Tensor&, const at::Tensor& timesteps,
                                            c10::Device) {
  return scales(slot, q, timesteps, true);
}

void TemporalIntervals::end_learning(std::size_t, ActivationQuantizer& q, const at::Tensor&, bool,
                                     const std::string&, std::string&) {
  if (q.tdq >= 0) modules_.at(static_cast<std::size_t>(q.tdq))->eval();
}

void TemporalIntervals::learning_ended() {
  cache_.clear();
  if (!baked_.timesteps().empty()) bake(baked_.timesteps());
}

void TemporalIntervals::add_module_trainables(std::size_t, const ActivationQuantizer& q,
                                              const std::string& path,
                                              std::vector<std::string>& names,
                                              std::vector<at::Tensor>& tensors) const {
  if (q.tdq < 0) return;
  for (const auto& item : modules_.at(static_cast<std::size_t>(q.tdq))->named_parameters(true)) {
    names.push_back("tdq." + path + "." + item.key());
    tensors.push_back(item.value());
  }
}

void TemporalIntervals::save(ConstTwinSlots slots, TensorMap& out) const {
  IntervalRule::save(slots, out);
  for (std::size_t i = 0; i < slots.placement.size(); ++i) {
    const ActivationQuantizer& q = slots.quantizers[i].activation;
    if (!slots.placement[i].quantized || !q.calibrated || q.tdq < 0) continue;
    for (const auto& item : modules_.at(static_cast<std::size_t>(q.tdq))->named_parameters(true)) {
      out["tdq." + slots.placement[i].path + "." + item.key()] =
          item.value().detach().to(at::kCPU).clone();
    }
  }
  if (!baked_.timesteps().empty()) {
    out[kBakedTimesteps] = at::tensor(baked_.timesteps(), at::kLong);
    out[kBakedScales] = baked_.table().clone();
  }
}

void TemporalIntervals::load(TwinSlots slots, const StateLookup& get) {
  IntervalRule::load(slots, get);
  create_modules(slots);
  for (std::size_t i = 0; i < slots.placement.size(); ++i) {
    const ActivationQuantizer& q = slots.quantizers[i].activation;
    if (q.tdq < 0) continue;
    at::NoGradGuard no_grad;
    for (auto& item : modules_.at(static_cast<std::size_t>(q.tdq))->named_parameters(true)) {
      const std::string key = "tdq." + slots.placement[i].path + "." + item.key();
      const at::Tensor& value = get(key);
      if (!value.sizes().equals(item.value().sizes())) {
        throw ConfigError("'" + key + "' has the wrong shape for the configured TDQ MLP");
      }
      item.value().copy_(value);
    }
  }
  const at::Tensor ts = get(kBakedTimesteps).to(at::kLong).contiguous();
  const at::Tensor table = get(kBakedScales).to(at::kFloat);
  if (ts.dim() != 1 || table.dim() != 2 ||
      table.size(0) != static_cast<std::int64_t>(modules_.size()) || table.size(1) != ts.size(0)) {
    throw ConfigError("baked TDQ table has the wrong shape");
  }
  if (!at::isfinite(table).all().item<bool>() || !(table > 0).all().item<bool>()) {
    throw ConfigError("baked TDQ table has non-positive or non-finite intervals");
  }
  baked_ = BakedIntervalTable(std::vector<std::int64_t>(ts.data_ptr<std::int64_t>(),
                                                        ts.data_ptr<std::int64_t>() + ts.numel()),
                              table);
}

}  // namespace tdq
