#include "core/quant/quantized_model.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/common/errors.h"
#include "core/quant/table_intervals.h"
#include "kernels/fake_quant.h"

namespace tdq {

namespace {

// The slot's quantizer at other input bits: the same covered range (interval_at_bits) for the
// static interval and every per-step one.
ActivationQuantizer at_bits(const ActivationQuantizer& q, int bits) {
  if (bits == q.grid.bits) return q;
  ActivationQuantizer out = q;
  out.grid.bits = bits;
  out.fixed = interval_at_bits(q.fixed, q.grid, bits);
  for (auto& [t, interval] : out.by_timestep) interval = interval_at_bits(interval, q.grid, bits);
  return out;
}

}  // namespace

QuantizedModel::QuantizedModel(const UNetImpl& model, QuantConfig config)
    : config_(std::move(config)),
      slots_(place_quantizers(model.layers(), config_)),
      quantizers_(slots_.size()),
      rule_(make_interval_rule(config_, model.config().block_out_channels.at(0),
                               model.parameters().front().device())),
      device_(model.parameters().front().device()) {
  const auto params = model.named_parameters(true);
  at::NoGradGuard no_grad;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const QuantizerSlot& slot = slots_[i];
    quantizers_[i].activation.grid = {
        slot.input_grid, slot.a_bits,
        slot.input_grid == kernels::GridKind::Unsigned ? kernels::kSiluMinimum : 0.0, 0.0};
    if (!slot.quantized) continue;
    const at::Tensor* weight = params.find(slot.path + ".weight");
    if (!weight) throw Error("quantizer: no weight for layer " + slot.path);
    const at::Tensor w = weight->detach().to(at::kFloat);
    quantizers_[i].weight.fp = w;
    const double qmax = static_cast<double>(weight_grid(slot.w_bits).qmax());
    // docs/method.md: s = max|W| / (n//2 - 1), per tensor, or per output channel (dim 0). On the
    // CPU whatever the model's device: CUDA divides by a scalar through its reciprocal, one ulp
    // off, and a run must reload on any device.
    const at::Tensor w_cpu = w.to(at::kCPU);
    at::Tensor scale = config_.weight_per_channel
                           ? w_cpu.abs().reshape({w.size(0), -1}).amax(1) / qmax
                           : (w_cpu.abs().max() / qmax).reshape({});
    set_weight(i, w, scale.clamp_min(kMinScale).contiguous());
  }
}

QuantizedModel::~QuantizedModel() = default;

void QuantizedModel::set_weight(std::size_t index, const at::Tensor& weights,
                                const at::Tensor& scale) {
  WeightQuantizer& weight = quantizers_[index].weight;
  weight.scale = scale;
  weight.quantized = kernels::fake_quant_forward(weights.to(at::kCPU).contiguous(), scale,
                                                 weight_grid(slots_[index].w_bits))
                         .to(device_);
}

TemporalIntervals* QuantizedModel::temporal() const {
  return dynamic_cast<TemporalIntervals*>(rule_.get());
}

void QuantizedModel::calibrate(const RangeObserver& observer,
                               const std::vector<std::int64_t>& timesteps) {
  if (!rule_->calibrates()) return;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (!slots_[i].quantized) continue;
    ActivationQuantizer& q = quantizers_[i].activation;
    const auto& overall = observer.overall().at(i);
    if (!overall.seen) throw Error("calibration saw no input for layer " + slots_[i].path);
    q.fixed = interval_from_range(overall, q.grid);
    q.by_timestep.clear();
    q.calibrated = true;
  }
  rule_->calibrated(twin_slots(), observer, timesteps);
}

void QuantizedModel::set_static_steps(const std::vector<double>& steps) {
  if (steps.size() != slots_.size()) throw Error("set_static_steps: one step per layer expected");
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (!slots_[i].quantized || !(steps[i] > 0)) continue;
    if (!std::isfinite(steps[i]))
      throw Error("initial step of " + slots_[i].path + " is not finite");
    ActivationQuantizer& q = quantizers_[i].activation;
    q.fixed.scale = static_cast<float>(std::max<double>(steps[i], kMinScale));
    if (q.grid.kind == kernels::GridKind::Asymmetric && !q.calibrated) {
      q.fixed.zero_point = static_cast<float>(std::round(q.grid.qmax() / 2.0));  // centred
    }
    q.calibrated = true;
  }
  rule_->restarted(twin_slots());
}

void QuantizedModel::init_step_table(const std::vector<std::int64_t>& timesteps) {
  const auto* table = dynamic_cast<const TableIntervals*>(rule_.get());
  if (!table) throw Error("init_step_table: the method has no table");
  table->init_table(twin_slots(), timesteps);
}

void QuantizedModel::fit_temporal(const std::vector<TimedScales>& targets) {
  if (TemporalIntervals* rule = temporal()) rule->fit(twin_slots(), targets);
}

const std::vector<double>& QuantizedModel::tdq_fit_rms() const {
  static const std::vector<double> none;
  const TemporalIntervals* rule = temporal();
  return rule ? rule->fit_rms() : none;
}

void QuantizedModel::bake(const std::vector<std::int64_t>& timesteps) {
  if (TemporalIntervals* rule = temporal()) rule->bake(timesteps);
}

const BakedIntervalTable& QuantizedModel::baked() const {
  static const BakedIntervalTable none;
  const TemporalIntervals* rule = temporal();
  return rule ? rule->baked() : none;
}

void QuantizedModel::set_timestep(std::int64_t t) { on_forward(at::full({1}, t, at::kLong)); }

void QuantizedModel::on_forward(const at::Tensor& timesteps) {
  timesteps_ = timesteps.reshape({-1}).to(at::kCPU).to(at::kLong);
  rule_->forward_started(timesteps_);
  if (timesteps_.numel() == 0) return;
  if (!learning() && rule_->falls_back(twin_slots(), timesteps_)) ++fallbacks_;
}

void QuantizedModel::on_forward_end() { kernels::throw_if_device_faults(device_); }

at::Tensor QuantizedModel::on_input(int layer, const at::Tensor& input) {
  const auto index = static_cast<std::size_t>(layer);
  if (!slots_.at(index).quantized || slots_[index].input_fp) return input;
  const ActivationQuantizer& q = quantizers_[index].activation;
  if (rule_->calibrates() && !q.calibrated)
    throw Error("quantizer of " + slots_[index].path + " is not calibrated");
  if (!rule_->calibrates() && slots_[index].input_windows.empty())
    return rule_->quantize(index, q, input, timesteps_);
  // Learning (block reconstruction) trains the interval at the slot's a_bits; per-window bits
  // apply it rescaled at sampling.
  if (learning() && learning_->slots[index].active) {
    try {
      kernels::GridSpec grid = q.grid;
      grid.zero_point = q.fixed.zero_point;
      const at::Tensor scale =
          rule_->learned_scale(index, q, learning_->slots[index].interval, timesteps_, device_);
      return learned_activation(config_.method, input.to(at::kFloat), scale, grid, *learning_)
          .to(input.scalar_type());
    } catch (const std::domain_error& e) {  // a step that learned its way to 0, Inf or NaN
      throw Error("activation quantizer of " + slots_[index].path + ": " + e.what());
    }
  }
  if (!slots_[index].input_windows.empty()) return quantize_by_window(index, input);
  return rule_->quantize(index, q, input, timesteps_);
}

at::Tensor QuantizedModel::quantize_by_window(std::size_t index, const at::Tensor& input) {
  const auto& windows = slots_[index].input_windows;
  const ActivationQuantizer& q = quantizers_[index].activation;
  const auto apply = [&](const WindowBits& w, const at::Tensor& x, const at::Tensor& timesteps) {
    return w.fp ? x : rule_->quantize(index, at_bits(q, w.bits), x, timesteps);
  };
  const std::int64_t n = timesteps_.defined() ? timesteps_.numel() : 0;
  if (n == 0) return apply(*window_bits_at(windows, -1), input, timesteps_);
  const auto* t = timesteps_.data_ptr<std::int64_t>();
  std::vector<const WindowBits*> entry(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i)
    entry[static_cast<std::size_t>(i)] = window_bits_at(windows, t[i]);
  const bool one = std::all_of(entry.begin(), entry.end(), [&](auto e) { return e == entry[0]; });
  if (one || n != input.size(0)) return apply(*entry[0], input, timesteps_);
  // Samples at different time steps (block reconstruction's calibration batches): each group of
  // samples in one window takes that window's bits.
  at::Tensor out = at::empty_like(input);
  for (const auto& w : windows) {
    std::vector<std::int64_t> rows;
    for (std::int64_t i = 0; i < n; ++i)
      if (entry[static_cast<std::size_t>(i)] == &w) rows.push_back(i);
    if (rows.empty()) continue;
    const at::Tensor index_cpu = at::tensor(rows, at::kLong);
    const at::Tensor on_device = index_cpu.to(input.device());
    out.index_copy_(
        0, on_device,
        apply(w, input.index_select(0, on_device), timesteps_.index_select(0, index_cpu)));
  }
  return out;
}

at::Tensor QuantizedModel::on_weight(int layer, const at::Tensor& weight) {
  const auto index = static_cast<std::size_t>(layer);
  if (!slots_.at(index).quantized || slots_[index].weight_fp) return weight;
  if (learning() && learning_->slots[index].weight.defined()) {
    try {
      return learned_weight(learning_->slots[index], slots_[index].w_bits);
    } catch (const std::domain_error& e) {
      throw Error("weight quantizer of " + slots_[index].path + ": " + e.what());
    }
  }
  const at::Tensor& quantized = quantizers_[index].weight.quantized;
  return quantized.device() == weight.device() ? quantized : quantized.to(weight.device());
}

LearningSession QuantizedModel::begin_learning(const std::vector<std::size_t>& slots,
                                               double qdrop_probability, std::uint64_t seed,
                                               bool learn_weights) {
  if (!rule_->calibrates() && !learn_weights) {
    throw ConfigError("method " + to_string(config_.method) + " has no learnable activation steps");
  }
  if (learning()) throw Error("begin_learning: the twin is already learning (end that session)");
  auto state = std::make_unique<LearningState>();
  state->slots.resize(slots_.size());
  state->qdrop = qdrop_probability;
  state->noise = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (std::size_t index : slots) {
    if (!slots_.at(index).quantized) continue;
    const SlotQuantizer& quantizer = quantizers_[index];
    if (!quantizer.activation.calibrated && rule_->calibrates()) {
      throw Error("quantizer of " + slots_[index].path + " is not calibrated");
    }
    LearningSlot& slot = state->slots[index];
    slot.active = true;
    if (learn_weights) {
      slot.weight = quantizer.weight.fp.detach().clone().set_requires_grad(true);
      slot.weight_log_step = quantizer.weight.scale.log().to(device_).set_requires_grad(true);
    }
    try {
      slot.interval = rule_->begin_learning(index, quantizer.activation, device_);
    } catch (const ConfigError& e) {
      throw ConfigError("quantizer of " + slots_[index].path + ": " + e.what());
    }
  }
  return LearningSession(*this, std::move(state));
}

double QuantizedModel::activation_scale(int layer, std::int64_t t) const {
  const ActivationCurve curve = activation_curve(layer, {t});
  return curve.scale.empty() ? 0.0 : curve.scale.front();
}

QuantizedModel::ActivationCurve QuantizedModel::activation_curve(
    int layer, const std::vector<std::int64_t>& timesteps) const {
  const auto index = static_cast<std::size_t>(layer);
  ActivationCurve curve;
  if (!slots_.at(index).quantized || slots_[index].input_fp || !rule_->calibrates()) return curve;
  const ActivationQuantizer& q = quantizers_[index].activation;
  if (!q.calibrated) return curve;
  const auto add = [&](const Interval& interval, const kernels::GridSpec& at) {
    curve.scale.push_back(interval.scale);
    kernels::GridSpec grid = at;
    grid.zero_point = interval.zero_point;
    curve.grid.push_back(grid);
  };
  const auto& windows = slots_[index].input_windows;
  if (windows.empty()) {
    for (const Interval& interval : rule_->intervals(index, q, timesteps)) add(interval, q.grid);
    return curve;
  }
  for (const std::int64_t t : timesteps) {  // per-window bits: 0 where the input stays FP
    const WindowBits& w = *window_bits_at(windows, t);
    const ActivationQuantizer at = at_bits(q, w.fp ? q.grid.bits : w.bits);
    add(w.fp ? Interval{0.0f, 0.0f} : rule_->interval(index, at, t), at.grid);
  }
  return curve;
}

kernels::GridSpec QuantizedModel::activation_grid(int layer, std::int64_t t) const {
  const ActivationCurve curve = activation_curve(layer, {t});
  return curve.grid.empty() ? quantizers_.at(static_cast<std::size_t>(layer)).activation.grid
                            : curve.grid.front();
}

}  // namespace tdq
