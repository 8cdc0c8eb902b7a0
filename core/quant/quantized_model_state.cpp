// Saving and restoring a twin's quantizer state (quant.safetensors of a run folder): the weights
// here, the activation intervals by the method's rule (IntervalRule::save/load).
#include <ATen/ATen.h>

#include "core/common/errors.h"
#include "core/quant/quantized_model.h"

namespace tdq {

namespace {
// A weight step [] or [out] broadcast against the weight [out, ...].
at::Tensor per_channel(const at::Tensor& scale, const at::Tensor& weight) {
  if (scale.dim() == 0) return scale;
  std::vector<std::int64_t> shape(static_cast<std::size_t>(weight.dim()), 1);
  shape[0] = scale.numel();
  return scale.view(shape);
}
}  // namespace

std::map<std::string, at::Tensor> QuantizedModel::state() const {
  TensorMap out;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (!slots_[i].quantized) continue;
    const std::string& path = slots_[i].path;
    const WeightQuantizer& weight = quantizers_[i].weight;
    out["weight." + path + ".scale"] = weight.scale;
    if (weight.learned) {  // QAT weights: integer codes (int8 holds every grid up to 8 bits)
      const at::Tensor quantized = weight.quantized.to(at::kCPU);
      out["weight." + path + ".codes"] =
          at::round(quantized / per_channel(weight.scale, quantized)).to(at::kChar);
    }
  }
  rule_->save(twin_slots(), out);
  return out;
}

void QuantizedModel::load_state(const std::map<std::string, at::Tensor>& state) {
  const StateLookup get = [&](const std::string& key) -> const at::Tensor& {
    auto it = state.find(key);
    if (it == state.end()) throw ConfigError("quantizer state lacks '" + key + "'");
    // Time steps are integers, every other quantity a float: a tensor of the other kind would be
    // converted silently (an integer step of 0 surfaced only as a kernel error while sampling).
    const bool integral = key.size() >= 9 && key.compare(key.size() - 9, 9, "timesteps") == 0;
    if (it->second.is_floating_point() == integral) {
      throw ConfigError("quantizer state '" + key + "' is stored as " +
                        std::string(c10::toString(it->second.scalar_type())) + ", expected " +
                        (integral ? "integers" : "floats"));
    }
    return it->second;
  };
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (!slots_[i].quantized) continue;
    const std::string& path = slots_[i].path;
    WeightQuantizer& weight = quantizers_[i].weight;
    const at::Tensor& ws = get("weight." + path + ".scale");
    if (!ws.sizes().equals(weight.scale.sizes()))
      throw ConfigError("weight scale of " + path + " has the wrong shape");
    auto codes = state.find("weight." + path + ".codes");
    if (codes != state.end()) {
      const at::Tensor scale = ws.to(at::kFloat).contiguous();
      if (!codes->second.sizes().equals(weight.fp.sizes())) {
        throw ConfigError("weight codes of " + path + " have the wrong shape");
      }
      if (!at::isfinite(scale).all().item<bool>() || !(scale > 0).all().item<bool>()) {
        throw ConfigError("weight scale of " + path + " is not positive and finite");
      }
      weight.scale = scale;
      weight.quantized = (codes->second.to(at::kFloat) * per_channel(scale, weight.fp)).to(device_);
      weight.learned = true;
    } else if (!at::equal(ws.to(at::kFloat), weight.scale)) {
      // Runs quantized on a GPU before the step was computed on the CPU are one ulp off; other
      // weights are not.
      const at::Tensor stored = ws.to(at::kFloat).contiguous();
      if (!at::allclose(stored, weight.scale, 1e-6, 0.0)) {
        throw ConfigError("weight scale of " + path +
                          " differs from the model's: the run was made for other weights");
      }
      set_weight(i, weight.fp, stored);
    }
  }
  rule_->load(twin_slots(), get);
}

}  // namespace tdq
