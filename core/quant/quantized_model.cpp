#include "core/quant/quantized_model.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <mutex>
#include <stdexcept>

#include "core/common/errors.h"
#include "core/quant/tdq_fit.h"
#include "kernels/fake_quant.h"

namespace tdq {

namespace {

// A step size of zero (a constant-zero input, a dead channel) would divide by zero in the kernel.
constexpr float kMinScale = 1e-8f;

kernels::GridSpec weight_grid(int bits) { return {kernels::GridKind::Symmetric, bits, 0.0, 0.0}; }

// U[0, 1) of x's shape from the CPU generator `generator`. On another device, drawing activation-
// sized noise on the CPU and copying it costs more than the whole training step (measured on an
// H200: NIPQ QAT 1.3 s a step), so there the CPU generator only seeds the device's generator: the
// numbers are reproducible per device, no longer the same across devices.
at::Tensor uniform_like(const at::Tensor& x, at::Generator& generator) {
  const auto options = at::TensorOptions().dtype(at::kFloat);
  if (x.device().is_cpu()) return at::rand(x.sizes(), generator, options);
  const auto seed = at::randint(std::numeric_limits<std::int64_t>::max(), {1}, generator,
                                options.dtype(at::kLong))
                        .item<std::int64_t>();
  at::Generator on_device = at::globalContext().defaultGenerator(x.device());
  {
    std::lock_guard<std::mutex> lock(on_device.mutex());
    on_device.set_current_seed(static_cast<std::uint64_t>(seed));
  }
  return at::rand(x.sizes(), on_device, options.device(x.device()));
}

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

// Consecutive steps k of a schedule of `steps` fall into group k * groups / steps (0: one per step).
std::size_t group_count(std::size_t steps, int groups) {
  return groups == 0 ? steps : std::min<std::size_t>(steps, static_cast<std::size_t>(groups));
}

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

// [B] -> [B, 1, ...] broadcasting against x.
at::Tensor per_sample_view(const at::Tensor& values, const at::Tensor& x) {
  std::vector<std::int64_t> shape(static_cast<std::size_t>(x.dim()), 1);
  shape[0] = values.numel();
  return values.view(shape);
}

}  // namespace

QuantizedModel::QuantizedModel(const UNetImpl& model, QuantConfig config)
    : config_(std::move(config)),
      slots_(place_quantizers(model.layers(), config_)),
      encoding_dim_(model.config().block_out_channels.at(0)),
      device_(model.parameters().front().device()) {
  activations_.resize(slots_.size());
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    activations_[i].grid = {
        slots_[i].input_grid, slots_[i].a_bits,
        slots_[i].input_grid == kernels::GridKind::Unsigned ? kernels::kSiluMinimum : 0.0, 0.0};
  }
  quantize_weights(model);
}

void QuantizedModel::quantize_weights(const UNetImpl& model) {
  const auto params = model.named_parameters(true);
  weight_scales_.assign(slots_.size(), at::Tensor());
  quantized_weights_.assign(slots_.size(), at::Tensor());
  learned_weights_.assign(slots_.size(), false);
  fp_weights_.assign(slots_.size(), at::Tensor());
  at::NoGradGuard no_grad;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (!slots_[i].quantized) continue;
    const at::Tensor* weight = params.find(slots_[i].path + ".weight");
    if (!weight) throw Error("quantizer: no weight for layer " + slots_[i].path);
    const at::Tensor w = weight->detach().to(at::kFloat);
    fp_weights_[i] = w;
    const auto grid = weight_grid(slots_[i].w_bits);
    const double qmax = static_cast<double>(grid.qmax());
    // docs/method.md: s = max|W| / (n//2 - 1), per tensor, or per output channel (dim 0). On the CPU
    // whatever the model's device: CUDA divides by a scalar through its reciprocal, one ulp off,
    // and a run must reload on any device.
    const at::Tensor w_cpu = w.to(at::kCPU);
    at::Tensor scale = config_.weight_per_channel
                           ? w_cpu.abs().reshape({w.size(0), -1}).amax(1) / qmax
                           : (w_cpu.abs().max() / qmax).reshape({});
    set_weight_scale(i, scale.clamp_min(kMinScale).contiguous());
  }
}

void QuantizedModel::set_weight_scale(std::size_t index, const at::Tensor& scale) {
  weight_scales_[index] = scale;
  quantized_weights_[index] =
      kernels::fake_quant_forward(fp_weights_[index].to(at::kCPU).contiguous(), scale,
                                  weight_grid(slots_[index].w_bits))
          .to(device_);
}

QuantizedModel::Interval QuantizedModel::from_range(const RangeObserver::Range& range,
                                                    const kernels::GridSpec& grid) const {
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

void QuantizedModel::calibrate(const RangeObserver& observer,
                               const std::vector<std::int64_t>& timesteps) {
  if (kind() == IntervalKind::Dynamic) return;
  const auto& per_t = observer.per_timestep();
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (!slots_[i].quantized) continue;
    ActivationQuantizer& q = activations_[i];
    const auto& overall = observer.overall().at(i);
    if (!overall.seen) throw Error("calibration saw no input for layer " + slots_[i].path);
    q.fixed = from_range(overall, q.grid);
    q.by_timestep.clear();
    if (kind() == IntervalKind::PerStep) {
      // Group consecutive steps of the schedule; each group shares the union of its ranges.
      const std::size_t steps = timesteps.size();
      const std::size_t groups = group_count(steps, config_.table_groups);
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
        if (!range.seen) throw Error("calibration saw no input for layer " + slots_[i].path);
        const Interval interval = from_range(range, q.grid);
        for (std::size_t k = begin; k < end; ++k) q.by_timestep[timesteps[k]] = interval;
      }
    }
    q.calibrated = true;
  }
  create_tdq_modules();
  if (kind() == IntervalKind::Temporal && config_.tdq_init == TdqInit::PerStep) {
    // The per-step MinMax intervals (what the table method would use) as the MLPs' start.
    // Between calibrated steps the targets are interpolated (linearly in log s, at every integer
    // t): fitted to the steps alone, the MLP's high-frequency encoding made s(t) wiggle between
    // them, which the Layer Range view showed over all t.
    std::vector<TimedScales> targets(slots_.size());
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (!slots_[i].quantized) continue;
      std::int64_t previous_t = -1;
      double previous_log = 0;
      for (const auto& [t, ranges] : per_t) {  // ascending t
        if (!ranges.at(i).seen) continue;
        const double log_s = std::log(from_range(ranges.at(i), activations_[i].grid).scale);
        for (std::int64_t u = previous_t >= 0 ? previous_t + 1 : t; u <= t; ++u) {
          const double w = u == t ? 1.0 : double(u - previous_t) / double(t - previous_t);
          targets[i].timesteps.push_back(u);
          targets[i].scales.push_back(std::exp((1 - w) * previous_log + w * log_s));
        }
        previous_t = t;
        previous_log = log_s;
      }
    }
    fit_temporal(targets);
  }
  if (kind() == IntervalKind::Temporal) bake(timesteps);
}

void QuantizedModel::fit_temporal(const std::vector<TimedScales>& targets) {
  if (kind() != IntervalKind::Temporal) return;
  if (targets.size() != slots_.size()) throw Error("fit_temporal: one target set per layer expected");
  tdq_fit_rms_.assign(slots_.size(), 0.0);
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const ActivationQuantizer& q = activations_[i];
    if (q.tdq < 0 || targets[i].timesteps.empty()) continue;
    try {
      tdq_fit_rms_[i] = fit_tdq_module(tdq_modules_.at(static_cast<std::size_t>(q.tdq)), targets[i]);
    } catch (const Error& e) {
      throw Error("TDQ time-aware start of " + slots_[i].path + ": " + e.what());
    }
  }
  if (!baked_.timesteps().empty()) bake(baked_.timesteps());
}

void QuantizedModel::set_static_steps(const std::vector<double>& steps) {
  if (steps.size() != slots_.size()) throw Error("set_static_steps: one step per layer expected");
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (!slots_[i].quantized || !(steps[i] > 0)) continue;
    if (!std::isfinite(steps[i]))
      throw Error("initial step of " + slots_[i].path + " is not finite");
    activations_[i].fixed.scale = static_cast<float>(std::max<double>(steps[i], kMinScale));
    if (activations_[i].grid.kind == kernels::GridKind::Asymmetric && !activations_[i].calibrated) {
      activations_[i].fixed.zero_point =
          static_cast<float>(std::round(activations_[i].grid.qmax() / 2.0));  // centred
    }
    activations_[i].calibrated = true;
  }
  create_tdq_modules();
}

void QuantizedModel::init_step_table(const std::vector<std::int64_t>& timesteps) {
  if (kind() != IntervalKind::PerStep) throw Error("init_step_table: the method has no table");
  if (timesteps.empty()) throw ConfigError("a per-step table needs the sampler's time steps");
  const std::size_t steps = timesteps.size(), groups = group_count(steps, config_.table_groups);
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    ActivationQuantizer& q = activations_[i];
    if (!slots_[i].quantized || !q.calibrated) continue;
    q.by_timestep.clear();
    q.group_of.clear();
    for (std::size_t k = 0; k < steps; ++k) {
      q.by_timestep[timesteps[k]] = q.fixed;
      q.group_of[timesteps[k]] = static_cast<std::int64_t>(k * groups / steps);
    }
  }
}

void QuantizedModel::create_tdq_modules() {
  tdq_modules_.clear();
  baked_ = BakedIntervalTable();
  if (kind() != IntervalKind::Temporal) return;
  TdqModuleOptions options;
  options.encoding_dim = config_.tdq_encoding_dim > 0 ? config_.tdq_encoding_dim : encoding_dim_;
  options.hidden = config_.tdq_hidden;
  options.depth = config_.tdq_depth;
  if (config_.tdq_constant_t) options.constant_timestep = options.timestep_range / 2;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    ActivationQuantizer& q = activations_[i];
    q.tdq = -1;
    if (!slots_[i].quantized || !q.calibrated) continue;
    q.tdq = static_cast<int>(tdq_modules_.size());
    TdqModule module =
        seeded_tdq_module(options, q.fixed.scale, std::hash<std::string>{}(slots_[i].path));
    module->to(device_);
    module->eval();  // dropout (when set) only while learning
    tdq_modules_.push_back(module);
  }
}

void QuantizedModel::bake(const std::vector<std::int64_t>& timesteps) {
  if (kind() != IntervalKind::Temporal) return;
  baked_ = BakedIntervalTable(tdq_modules_, timesteps);
}

void QuantizedModel::set_timestep(std::int64_t t) { on_forward(at::full({1}, t, at::kLong)); }

void QuantizedModel::on_forward(const at::Tensor& timesteps) {
  timesteps_ = timesteps.reshape({-1}).to(at::kCPU).to(at::kLong);
  temporal_cache_.assign(slots_.size(), at::Tensor());
  if (timesteps_.numel() == 0) return;
  const auto* t = timesteps_.data_ptr<std::int64_t>();
  bool fell_back = false;
  if (kind() == IntervalKind::PerStep && !learning()) {
    // Every table holds the same time steps, so one quantized layer tells whether t falls back.
    for (std::size_t i = 0; i < slots_.size() && !fell_back; ++i) {
      if (!slots_[i].quantized || !activations_[i].calibrated) continue;
      for (std::int64_t b = 0; b < timesteps_.numel(); ++b)
        fell_back |= !activations_[i].by_timestep.count(t[b]);
      break;
    }
  } else if (kind() == IntervalKind::Temporal && !learning()) {
    for (std::int64_t b = 0; b < timesteps_.numel(); ++b) fell_back |= !baked_.contains(t[b]);
  }
  if (fell_back) ++fallbacks_;
}

QuantizedModel::Interval QuantizedModel::interval_for(const ActivationQuantizer& q,
                                                      std::int64_t t) const {
  if (kind() == IntervalKind::Temporal && q.tdq >= 0) {
    return {baked_.interval(tdq_modules_, static_cast<std::size_t>(q.tdq), t, nullptr),
            q.fixed.zero_point};
  }
  if (kind() != IntervalKind::PerStep || q.by_timestep.empty()) return q.fixed;
  // Nearest calibrated time step: a schedule the table was not built for still samples.
  return nearest_entry(q.by_timestep, t);
}

at::Tensor QuantizedModel::dynamic_quantize(const at::Tensor& input,
                                            const kernels::GridSpec& grid) const {
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

at::Tensor QuantizedModel::temporal_scales(std::size_t index) {
  at::Tensor& cached = temporal_cache_.at(index);
  if (cached.defined()) return cached;
  const ActivationQuantizer& q = activations_[index];
  if (!timesteps_.defined() || timesteps_.numel() == 0) {
    throw Error("quantizer of " + slots_[index].path +
                " needs the time step (on_forward was not called)");
  }
  if (learning() && learning_[index]) {
    cached = tdq_modules_.at(static_cast<std::size_t>(q.tdq))->forward(timesteps_.to(device_));
  } else {
    std::vector<float> values(static_cast<std::size_t>(timesteps_.numel()));
    const auto* t = timesteps_.data_ptr<std::int64_t>();
    for (std::size_t b = 0; b < values.size(); ++b) {
      values[b] =
          b > 0 && t[b] == t[b - 1]
              ? values[b - 1]
              : baked_.interval(tdq_modules_, static_cast<std::size_t>(q.tdq), t[b], nullptr);
    }
    cached = at::tensor(values, at::kFloat).to(device_);
  }
  return cached;
}

at::Tensor QuantizedModel::table_scales(const ActivationQuantizer& q) const {
  if (!timesteps_.defined() || timesteps_.numel() == 0)
    throw Error("a per-step table needs the time step (on_forward was not called)");
  std::vector<std::int64_t> groups(static_cast<std::size_t>(timesteps_.numel()));
  const auto* t = timesteps_.data_ptr<std::int64_t>();
  for (std::size_t b = 0; b < groups.size(); ++b) groups[b] = nearest_entry(q.group_of, t[b]);
  return at::exp(q.group_log_steps).index_select(0, at::tensor(groups, at::kLong).to(device_));
}

at::Tensor QuantizedModel::learned_quantize(std::size_t index, const at::Tensor& x) {
  ActivationQuantizer& q = activations_[index];
  const at::Tensor scale = kind() == IntervalKind::Temporal  ? temporal_scales(index)
                           : kind() == IntervalKind::PerStep ? table_scales(q)
                                                             : at::exp(q.log_step);
  kernels::GridSpec grid = q.grid;
  grid.zero_point = q.fixed.zero_point;
  const std::int64_t per_sample = x.numel() / std::max<std::int64_t>(x.size(0), 1);
  at::Tensor out;
  if (config_.method == QuantMethod::Pact || config_.method == QuantMethod::Nipq) {
    // Truncation to [lower(s), upper(s)] passes the gradient to s (PACT's alpha = upper bound).
    const at::Tensor s = scale.dim() == 0 ? scale : per_sample_view(scale, x);
    const at::Tensor lower = (static_cast<double>(grid.qmin()) - grid.zero_point) * s + grid.offset;
    const at::Tensor upper = (static_cast<double>(grid.qmax()) - grid.zero_point) * s + grid.offset;
    const at::Tensor clipped = at::minimum(at::maximum(x, lower), upper);
    if (config_.method == QuantMethod::Pact) {
      out = clipped + (kernels::fake_quant_forward(clipped.detach().contiguous(),
                                                   scale.detach().contiguous(), grid) -
                       clipped.detach());
    } else {
      // NIPQ: uniform noise of one step replaces rounding while training.
      out = clipped + (uniform_like(clipped, noise_) - 0.5) * s;
    }
  } else {
    // LSQ's gradient scale 1/sqrt(qmax * elements) belongs to a learned static step. TDQ's interval
    // is an MLP output; the released code scales no activation-step gradient, and a scale of ~1e-3
    // would only push the MLP's gradients towards Adam's epsilon.
    const double grad_scale =
        kind() == IntervalKind::Temporal
            ? 1.0
            : 1.0 / std::sqrt(static_cast<double>(grid.qmax()) * static_cast<double>(per_sample));
    out = kernels::fake_quant(x, scale, grid, grad_scale);
  }
  if (qdrop_ > 0) out = at::where(uniform_like(x, noise_) < qdrop_, x, out);
  return out;
}

at::Tensor QuantizedModel::on_input(int layer, const at::Tensor& input) {
  const auto index = static_cast<std::size_t>(layer);
  if (!slots_.at(index).quantized) return input;
  ActivationQuantizer& q = activations_[index];
  if (kind() == IntervalKind::Dynamic) return dynamic_quantize(input, q.grid);
  if (!q.calibrated) throw Error("quantizer of " + slots_[index].path + " is not calibrated");
  if (learning() && learning_[index]) {
    try {
      return learned_quantize(index, input.to(at::kFloat)).to(input.scalar_type());
    } catch (const std::domain_error& e) {  // a step that learned its way to 0, Inf or NaN
      throw Error("activation quantizer of " + slots_[index].path + ": " + e.what());
    }
  }
  kernels::GridSpec grid = q.grid;
  at::Tensor scale;
  if (kind() == IntervalKind::Temporal) {
    grid.zero_point = q.fixed.zero_point;
    scale = temporal_scales(index);
  } else {
    const std::int64_t t =
        timesteps_.defined() && timesteps_.numel() ? timesteps_[0].item<std::int64_t>() : -1;
    const Interval interval = interval_for(q, t);
    grid.zero_point = interval.zero_point;
    scale =
        at::full({}, interval.scale, at::TensorOptions().dtype(at::kFloat).device(input.device()));
  }
  return kernels::fake_quant_forward(input.to(at::kFloat).contiguous(),
                                     scale.to(input.device()).contiguous(), grid)
      .to(input.scalar_type());
}

at::Tensor QuantizedModel::on_weight(int layer, const at::Tensor& weight) {
  const auto index = static_cast<std::size_t>(layer);
  if (!slots_.at(index).quantized) return weight;
  if (learning() && weight_params_[index].defined()) {
    const std::int64_t fan = weight_params_[index].numel();
    const int bits = slots_[index].w_bits;
    try {
      return kernels::fake_quant(
          weight_params_[index], weight_log_steps_[index].exp(), weight_grid(bits),
          1.0 /
              std::sqrt(static_cast<double>(weight_grid(bits).qmax()) * static_cast<double>(fan)));
    } catch (const std::domain_error& e) {
      throw Error("weight quantizer of " + slots_[index].path + ": " + e.what());
    }
  }
  const at::Tensor& quantized = quantized_weights_[index];
  return quantized.device() == weight.device() ? quantized : quantized.to(weight.device());
}

void QuantizedModel::begin_learning(const std::vector<std::size_t>& slots, double qdrop_probability,
                                    std::uint64_t seed, bool learn_weights) {
  if (kind() == IntervalKind::Dynamic && !learn_weights) {
    throw ConfigError("method " + to_string(config_.method) + " has no learnable activation steps");
  }
  if (learning()) end_learning();
  learning_.assign(slots_.size(), false);
  weight_params_.assign(slots_.size(), at::Tensor());
  weight_log_steps_.assign(slots_.size(), at::Tensor());
  qdrop_ = qdrop_probability;
  noise_ = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (std::size_t index : slots) {
    if (!slots_.at(index).quantized) continue;
    ActivationQuantizer& q = activations_[index];
    if (!q.calibrated && kind() != IntervalKind::Dynamic) {
      throw Error("quantizer of " + slots_[index].path + " is not calibrated");
    }
    learning_[index] = true;
    if (learn_weights) {
      weight_params_[index] = fp_weights_.at(index).detach().clone().set_requires_grad(true);
      weight_log_steps_[index] = weight_scales_[index].log().to(device_).set_requires_grad(true);
    }
    if (kind() == IntervalKind::Dynamic) continue;
    if (kind() == IntervalKind::Temporal) {
      tdq_modules_.at(static_cast<std::size_t>(q.tdq))->train();
    } else if (kind() == IntervalKind::PerStep) {
      if (q.group_of.empty()) {
        throw ConfigError("quantizer of " + slots_[index].path +
                          ": a per-step table learns only after init_step_table");
      }
      std::int64_t groups = 0;
      for (const auto& entry : q.group_of) groups = std::max(groups, entry.second + 1);
      std::vector<float> log_steps(static_cast<std::size_t>(groups));
      for (const auto& [t, group] : q.group_of) {
        log_steps[static_cast<std::size_t>(group)] = std::log(q.by_timestep.at(t).scale);
      }
      q.group_log_steps = at::tensor(log_steps, at::kFloat).to(device_).set_requires_grad(true);
    } else {
      q.log_step_start = std::log(q.fixed.scale);
      q.log_step =
          at::full({}, q.log_step_start, at::TensorOptions().dtype(at::kFloat).device(device_))
              .set_requires_grad(true);
    }
  }
}

void QuantizedModel::reseed(std::uint64_t seed) {
  noise_ = at::make_generator<at::CPUGeneratorImpl>(seed);
}

QuantizedModel::Learnable QuantizedModel::learnable_steps() const {
  Learnable out;
  for (std::size_t i = 0; i < learning_.size(); ++i) {
    if (!learning_[i]) continue;
    if (activations_[i].log_step.defined()) {
      out.names.push_back("act." + slots_[i].path);
      out.tensors.push_back(activations_[i].log_step);
    }
    if (activations_[i].group_log_steps.defined()) {
      out.names.push_back("table." + slots_[i].path);
      out.tensors.push_back(activations_[i].group_log_steps);
    }
    if (weight_log_steps_[i].defined()) {
      out.names.push_back("weight." + slots_[i].path);
      out.tensors.push_back(weight_log_steps_[i]);
    }
  }
  return out;
}

QuantizedModel::Learnable QuantizedModel::learnable_tdq() const {
  Learnable out;
  for (std::size_t i = 0; i < learning_.size(); ++i) {
    if (!learning_[i] || activations_[i].tdq < 0) continue;
    for (const auto& item :
         tdq_modules_.at(static_cast<std::size_t>(activations_[i].tdq))->named_parameters(true)) {
      out.names.push_back("tdq." + slots_[i].path + "." + item.key());
      out.tensors.push_back(item.value());
    }
  }
  return out;
}

QuantizedModel::Learnable QuantizedModel::learnable_weights() const {
  Learnable out;
  for (std::size_t i = 0; i < learning_.size(); ++i) {
    if (!learning_[i] || !weight_params_[i].defined()) continue;
    out.names.push_back("w." + slots_[i].path);
    out.tensors.push_back(weight_params_[i]);
  }
  return out;
}

void QuantizedModel::end_learning(bool keep) {
  std::string not_finite;
  for (std::size_t i = 0; i < learning_.size(); ++i) {
    if (!learning_[i]) continue;
    ActivationQuantizer& q = activations_[i];
    if (q.log_step.defined() &&
        q.log_step.item<float>() != q.log_step_start) {  // exp(log s) may not be s
      const float scale = std::exp(q.log_step.item<float>());
      if (!std::isfinite(scale) && not_finite.empty()) not_finite = slots_[i].path;
      if (keep && std::isfinite(scale)) q.fixed.scale = std::max(scale, kMinScale);
    }
    q.log_step = at::Tensor();
    if (q.group_log_steps.defined()) {
      const at::Tensor scales = q.group_log_steps.detach().exp().to(at::kCPU);
      if (!at::isfinite(scales).all().item<bool>()) {
        if (not_finite.empty()) not_finite = slots_[i].path + " (table)";
      } else if (keep) {
        for (const auto& [t, group] : q.group_of)
          q.by_timestep.at(t).scale = std::max(scales[group].item<float>(), kMinScale);
      }
      q.group_log_steps = at::Tensor();
    }
    if (q.tdq >= 0) tdq_modules_.at(static_cast<std::size_t>(q.tdq))->eval();
    if (keep && weight_params_[i].defined()) {
      at::NoGradGuard no_grad;
      const at::Tensor scale =
          weight_log_steps_[i].detach().exp().clamp_min(kMinScale).to(at::kCPU).contiguous();
      if (!at::isfinite(scale).all().item<bool>() ||
          !at::isfinite(weight_params_[i]).all().item<bool>()) {
        if (not_finite.empty()) not_finite = slots_[i].path + " (weights)";
      } else {
        weight_scales_[i] = scale;
        quantized_weights_[i] =
            kernels::fake_quant_forward(weight_params_[i].detach().to(at::kCPU).contiguous(), scale,
                                        weight_grid(slots_[i].w_bits))
                .to(device_);
        learned_weights_[i] = true;
      }
    }
  }
  learning_.clear();
  weight_params_.clear();
  weight_log_steps_.clear();
  qdrop_ = 0.0;
  temporal_cache_.assign(slots_.size(), at::Tensor());
  if (kind() == IntervalKind::Temporal && !baked_.timesteps().empty()) bake(baked_.timesteps());
  if (keep && !not_finite.empty()) throw Error("learned step of " + not_finite + " is not finite");
}

double QuantizedModel::activation_scale(int layer, std::int64_t t) const {
  const auto index = static_cast<std::size_t>(layer);
  if (!slots_.at(index).quantized || kind() == IntervalKind::Dynamic) return 0.0;
  const ActivationQuantizer& q = activations_[index];
  return q.calibrated ? interval_for(q, t).scale : 0.0;
}

kernels::GridSpec QuantizedModel::activation_grid(int layer, std::int64_t t) const {
  const auto index = static_cast<std::size_t>(layer);
  kernels::GridSpec grid = activations_.at(index).grid;
  if (slots_[index].quantized && activations_[index].calibrated &&
      kind() != IntervalKind::Dynamic) {
    grid.zero_point = interval_for(activations_[index], t).zero_point;
  }
  return grid;
}

}  // namespace tdq
