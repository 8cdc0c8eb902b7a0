// Saving and restoring a twin's quantizer state (quant.safetensors of a run folder).
#include <ATen/ATen.h>

#include <cmath>

#include "core/common/errors.h"
#include "core/quant/quantized_model.h"

namespace tdq {

namespace {
constexpr const char* kBakedTimesteps = "tdq_baked.timesteps";
constexpr const char* kBakedScales = "tdq_baked.scale";

// A weight step [] or [out] broadcast against the weight [out, ...].
at::Tensor per_channel(const at::Tensor& scale, const at::Tensor& weight) {
  if (scale.dim() == 0) return scale;
  std::vector<std::int64_t> shape(static_cast<std::size_t>(weight.dim()), 1);
  shape[0] = scale.numel();
  return scale.view(shape);
}
}  // namespace

std::map<std::string, at::Tensor> QuantizedModel::state() const {
  std::map<std::string, at::Tensor> out;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (!slots_[i].quantized) continue;
    const std::string& path = slots_[i].path;
    out["weight." + path + ".scale"] = weight_scales_[i];
    if (learned_weights_[i]) {  // QAT weights: integer codes (int8 holds every grid up to 8 bits)
      const at::Tensor quantized = quantized_weights_[i].to(at::kCPU);
      out["weight." + path + ".codes"] =
          at::round(quantized / per_channel(weight_scales_[i], quantized)).to(at::kChar);
    }
    const ActivationQuantizer& q = activations_[i];
    if (!q.calibrated) continue;
    if (kind() == IntervalKind::PerStep) {
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
    } else if (kind() != IntervalKind::Dynamic) {
      out["act." + path + ".scale"] = at::full({}, q.fixed.scale);
      out["act." + path + ".zero_point"] = at::full({}, q.fixed.zero_point);
    }
    if (q.tdq >= 0) {
      for (const auto& item :
           tdq_modules_.at(static_cast<std::size_t>(q.tdq))->named_parameters(true)) {
        out["tdq." + path + "." + item.key()] = item.value().detach().to(at::kCPU).clone();
      }
    }
  }
  if (kind() == IntervalKind::Temporal && !baked_.timesteps().empty()) {
    out[kBakedTimesteps] = at::tensor(baked_.timesteps(), at::kLong);
    out[kBakedScales] = baked_.table().clone();
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
    if (!ws.sizes().equals(weight_scales_[i].sizes()))
      throw ConfigError("weight scale of " + path + " has the wrong shape");
    auto codes = state.find("weight." + path + ".codes");
    if (codes != state.end()) {
      const at::Tensor scale = ws.to(at::kFloat).contiguous();
      if (!codes->second.sizes().equals(fp_weights_[i].sizes())) {
        throw ConfigError("weight codes of " + path + " have the wrong shape");
      }
      if (!at::isfinite(scale).all().item<bool>() || !(scale > 0).all().item<bool>()) {
        throw ConfigError("weight scale of " + path + " is not positive and finite");
      }
      weight_scales_[i] = scale;
      quantized_weights_[i] =
          (codes->second.to(at::kFloat) * per_channel(scale, fp_weights_[i])).to(device_);
      learned_weights_[i] = true;
    } else if (!at::equal(ws.to(at::kFloat), weight_scales_[i])) {
      // Runs quantized on a GPU before the step was computed on the CPU are one ulp off; other
      // weights are not.
      const at::Tensor stored = ws.to(at::kFloat).contiguous();
      if (!at::allclose(stored, weight_scales_[i], 1e-6, 0.0)) {
        throw ConfigError("weight scale of " + path +
                          " differs from the model's: the run was made for other weights");
      }
      set_weight_scale(i, stored);
    }
    ActivationQuantizer& q = activations_[i];
    if (kind() == IntervalKind::PerStep) {
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
        q.by_timestep[ts[k].item<std::int64_t>()] = {scales[k].item<float>(),
                                                     zeros[k].item<float>()};
      }
      q.calibrated = true;
    } else if (kind() != IntervalKind::Dynamic) {
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
  if (kind() != IntervalKind::Temporal) return;
  create_tdq_modules();
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const ActivationQuantizer& q = activations_[i];
    if (q.tdq < 0) continue;
    at::NoGradGuard no_grad;
    for (auto& item : tdq_modules_.at(static_cast<std::size_t>(q.tdq))->named_parameters(true)) {
      const std::string key = "tdq." + slots_[i].path + "." + item.key();
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
      table.size(0) != static_cast<std::int64_t>(tdq_modules_.size()) ||
      table.size(1) != ts.size(0)) {
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
