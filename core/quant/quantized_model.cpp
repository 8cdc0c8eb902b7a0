#include "core/quant/quantized_model.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/common/errors.h"
#include "kernels/fake_quant.h"

namespace tdq {

namespace {

// A step size of zero (a constant-zero input, a dead channel) would divide by zero in the kernel.
constexpr float kMinScale = 1e-8f;

kernels::GridSpec weight_grid(int bits) { return {kernels::GridKind::Symmetric, bits, 0.0, 0.0}; }

}  // namespace

QuantizedModel::QuantizedModel(const UNetImpl& model, QuantConfig config)
    : config_(std::move(config)), slots_(place_quantizers(model.layers(), config_)) {
  activations_.resize(slots_.size());
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    activations_[i].grid = {slots_[i].input_grid, slots_[i].a_bits,
                            slots_[i].input_grid == kernels::GridKind::Unsigned ? kernels::kSiluMinimum : 0.0,
                            0.0};
  }
  quantize_weights(model);
}

void QuantizedModel::quantize_weights(const UNetImpl& model) {
  const auto params = model.named_parameters(true);
  weight_scales_.assign(slots_.size(), at::Tensor());
  quantized_weights_.assign(slots_.size(), at::Tensor());
  at::NoGradGuard no_grad;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (!slots_[i].quantized) continue;
    const at::Tensor* weight = params.find(slots_[i].path + ".weight");
    if (!weight) throw Error("quantizer: no weight for layer " + slots_[i].path);
    const at::Tensor w = weight->detach().to(at::kFloat);
    const auto grid = weight_grid(slots_[i].w_bits);
    const double qmax = static_cast<double>(grid.qmax());
    // METHOD.md: s = max|W| / (n//2 - 1), per tensor, or per output channel (dim 0).
    at::Tensor scale = config_.weight_per_channel ? w.abs().reshape({w.size(0), -1}).amax(1) / qmax
                                                  : (w.abs().max() / qmax).reshape({});
    scale = scale.clamp_min(kMinScale).to(at::kCPU).contiguous();
    weight_scales_[i] = scale;
    quantized_weights_[i] = kernels::fake_quant_forward(w.to(at::kCPU).contiguous(), scale, grid).to(weight->device());
  }
}

QuantizedModel::Interval QuantizedModel::from_range(const RangeObserver::Range& range,
                                                    const kernels::GridSpec& grid) const {
  Interval interval;
  const double qmax = static_cast<double>(grid.qmax());
  switch (grid.kind) {
    case kernels::GridKind::Symmetric:
      interval.scale = static_cast<float>(std::max(std::abs(range.min), std::abs(range.max)) / qmax);
      break;
    case kernels::GridKind::Unsigned:
      interval.scale = static_cast<float>(std::max(0.0, range.max - grid.offset) / qmax);
      break;
    case kernels::GridKind::Asymmetric: {
      const double lo = std::min(range.min, 0.0), hi = std::max(range.max, 0.0);  // zero stays exact
      interval.scale = static_cast<float>((hi - lo) / qmax);
      interval.zero_point = static_cast<float>(
          std::clamp(std::round(-lo / std::max<double>(interval.scale, kMinScale)), 0.0, qmax));
      break;
    }
  }
  interval.scale = std::max(interval.scale, kMinScale);
  return interval;
}

void QuantizedModel::calibrate(const RangeObserver& observer, const std::vector<std::int64_t>& timesteps) {
  if (config_.method == QuantMethod::Dynamic) return;
  const auto& per_t = observer.per_timestep();
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (!slots_[i].quantized) continue;
    ActivationQuantizer& q = activations_[i];
    const auto& overall = observer.overall().at(i);
    if (!overall.seen) throw Error("calibration saw no input for layer " + slots_[i].path);
    q.fixed = from_range(overall, q.grid);
    q.by_timestep.clear();
    if (config_.method == QuantMethod::Table) {
      // Group consecutive steps of the schedule; each group shares the union of its ranges.
      const std::size_t steps = timesteps.size();
      const std::size_t groups = config_.table_groups == 0 ? steps : std::min<std::size_t>(steps, config_.table_groups);
      for (std::size_t g = 0; g < groups; ++g) {
        const std::size_t begin = g * steps / groups, end = (g + 1) * steps / groups;
        RangeObserver::Range range;
        for (std::size_t k = begin; k < end; ++k) {
          auto it = per_t.find(timesteps[k]);
          if (it == per_t.end()) throw Error("calibration has no data for t=" + std::to_string(timesteps[k]));
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
}

void QuantizedModel::set_timestep(std::int64_t t) {
  timestep_ = t;
  if (config_.method != QuantMethod::Table) return;
  // Every table holds the same time steps, so one quantized layer tells whether t falls back.
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i].quantized && activations_[i].calibrated) {
      if (!activations_[i].by_timestep.count(t)) ++fallbacks_;
      return;
    }
  }
}

void QuantizedModel::on_forward(const at::Tensor& timesteps) {
  // Sampling evaluates one time step per forward; the first sample's t stands for the batch.
  if (timesteps.numel() > 0) set_timestep(timesteps.reshape({-1})[0].item<std::int64_t>());
}

QuantizedModel::Interval QuantizedModel::interval_for(const ActivationQuantizer& q, std::int64_t t) const {
  if (config_.method != QuantMethod::Table) return q.fixed;
  auto it = q.by_timestep.find(t);
  if (it != q.by_timestep.end()) return it->second;
  // Nearest calibrated time step: a schedule the table was not built for still samples.
  auto above = q.by_timestep.lower_bound(t);
  auto nearest = above;
  if (above == q.by_timestep.end() || (above != q.by_timestep.begin() && t - std::prev(above)->first < above->first - t)) {
    nearest = std::prev(above);
  }
  return nearest->second;
}

at::Tensor QuantizedModel::dynamic_quantize(const at::Tensor& input, const kernels::GridSpec& grid) const {
  const at::Tensor x = input.to(at::kFloat);
  const at::Tensor flat = x.reshape({x.size(0), -1});
  const double qmax = static_cast<double>(grid.qmax());
  if (grid.kind == kernels::GridKind::Asymmetric) {
    const at::Tensor lo = flat.amin(1).clamp_max(0), hi = flat.amax(1).clamp_min(0);
    const at::Tensor scale = ((hi - lo) / qmax).clamp_min(kMinScale);
    const at::Tensor zero = at::round(-lo / scale).clamp(0, qmax);
    std::vector<std::int64_t> shape(static_cast<std::size_t>(x.dim()), 1);
    shape[0] = x.size(0);
    const at::Tensor s = scale.view(shape), z = zero.view(shape);
    return ((at::round(at::clamp(x / s + z, 0, qmax)) - z) * s).to(input.scalar_type());
  }
  const at::Tensor scale = grid.kind == kernels::GridKind::Symmetric
                               ? (flat.abs().amax(1) / qmax).clamp_min(kMinScale)
                               : ((flat.amax(1) - grid.offset).clamp_min(0) / qmax).clamp_min(kMinScale);
  return kernels::fake_quant_forward(x.contiguous(), scale.contiguous(), grid).to(input.scalar_type());
}

at::Tensor QuantizedModel::on_input(int layer, const at::Tensor& input) {
  const auto index = static_cast<std::size_t>(layer);
  if (!slots_.at(index).quantized) return input;
  ActivationQuantizer& q = activations_[index];
  if (config_.method == QuantMethod::Dynamic) return dynamic_quantize(input, q.grid);
  if (!q.calibrated) throw Error("quantizer of " + slots_[index].path + " is not calibrated");
  const Interval interval = interval_for(q, timestep_);
  kernels::GridSpec grid = q.grid;
  grid.zero_point = interval.zero_point;
  const at::Tensor scale = at::full({}, interval.scale, at::TensorOptions().dtype(at::kFloat).device(input.device()));
  return kernels::fake_quant_forward(input.to(at::kFloat), scale, grid).to(input.scalar_type());
}

at::Tensor QuantizedModel::on_weight(int layer, const at::Tensor& weight) {
  const auto index = static_cast<std::size_t>(layer);
  if (!slots_.at(index).quantized) return weight;
  const at::Tensor& quantized = quantized_weights_[index];
  return quantized.device() == weight.device() ? quantized : quantized.to(weight.device());
}

std::map<std::string, at::Tensor> QuantizedModel::state() const {
  std::map<std::string, at::Tensor> out;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (!slots_[i].quantized) continue;
    const std::string& path = slots_[i].path;
    out["weight." + path + ".scale"] = weight_scales_[i];
    const ActivationQuantizer& q = activations_[i];
    if (config_.method == QuantMethod::MinMax) {
      out["act." + path + ".scale"] = at::full({}, q.fixed.scale);
      out["act." + path + ".zero_point"] = at::full({}, q.fixed.zero_point);
    } else if (config_.method == QuantMethod::Table) {
      std::vector<std::int64_t> ts;
      std::vector<float> scales, zeros;
      for (const auto& [t, interval] : q.by_timestep) {
        ts.push_back(t);
        scales.push_back(interval.scale);
        zeros.push_back(interval.zero_point);
      }
      out["act." + path + ".timesteps"] = at::tensor(ts, at::kLong);
      out["act." + path + ".scale"] = at::tensor(scales, at::kFloat);
      out["act." + path + ".zero_point"] = at::tensor(zeros, at::kFloat);
    }
  }
  return out;
}

void QuantizedModel::load_state(const std::map<std::string, at::Tensor>& state) {
  auto get = [&](const std::string& key) -> const at::Tensor& {
    auto it = state.find(key);
    if (it == state.end()) throw ConfigError("quantizer state lacks '" + key + "'");
    return it->second;
  };
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (!slots_[i].quantized) continue;
    const std::string& path = slots_[i].path;
    const at::Tensor& ws = get("weight." + path + ".scale");
    if (!ws.sizes().equals(weight_scales_[i].sizes())) throw ConfigError("weight scale of " + path + " has the wrong shape");
    if (!at::equal(ws.to(at::kFloat), weight_scales_[i])) {
      throw ConfigError("weight scale of " + path + " differs from the model's: the run was made for other weights");
    }
    ActivationQuantizer& q = activations_[i];
    if (config_.method == QuantMethod::MinMax) {
      q.fixed = {get("act." + path + ".scale").item<float>(), get("act." + path + ".zero_point").item<float>()};
      q.calibrated = true;
    } else if (config_.method == QuantMethod::Table) {
      const at::Tensor ts = get("act." + path + ".timesteps").to(at::kLong);
      const at::Tensor scales = get("act." + path + ".scale").to(at::kFloat);
      const at::Tensor zeros = get("act." + path + ".zero_point").to(at::kFloat);
      if (ts.dim() != 1 || scales.sizes() != ts.sizes() || zeros.sizes() != ts.sizes() || ts.numel() == 0) {
        throw ConfigError("table of " + path + " has inconsistent shapes");
      }
      q.by_timestep.clear();
      for (std::int64_t k = 0; k < ts.numel(); ++k) {
        q.by_timestep[ts[k].item<std::int64_t>()] = {scales[k].item<float>(), zeros[k].item<float>()};
      }
      q.calibrated = true;
    }
    if (q.calibrated && !std::isfinite(q.fixed.scale)) throw ConfigError("step of " + path + " is not finite");
  }
}

double QuantizedModel::activation_scale(int layer, std::int64_t t) const {
  const auto index = static_cast<std::size_t>(layer);
  if (!slots_.at(index).quantized || config_.method == QuantMethod::Dynamic) return 0.0;
  const ActivationQuantizer& q = activations_[index];
  return interval_for(q, t).scale;
}

}  // namespace tdq
