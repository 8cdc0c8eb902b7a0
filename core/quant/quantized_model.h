#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <ATen/Tensor.h>

#include "core/model/layer_hooks.h"
#include "core/model/unet.h"
#include "core/quant/quant_config.h"
#include "core/quant/range_observer.h"

namespace tdq {

// The quantized twin of a model: LayerHooks that fake-quantize each quantized layer's input and
// weight. The FP module is shared, never modified: forward(x, t, &twin) is the quantized model,
// forward(x, t) the FP one.
class QuantizedModel : public LayerHooks {
 public:
  // Places quantizers and computes weight steps (MinMax, per tensor or per output channel).
  QuantizedModel(const UNetImpl& model, QuantConfig config);

  const QuantConfig& config() const { return config_; }
  const std::vector<QuantizerSlot>& slots() const { return slots_; }

  // Sets activation intervals from calibration ranges: static (MinMax), per time step or per
  // group of steps (Table). `timesteps` is the sampler schedule, descending.
  void calibrate(const RangeObserver& observer, const std::vector<std::int64_t>& timesteps);

  // The time step of the next forward; Table looks its interval up here. A time step the table was
  // not calibrated for uses the nearest calibrated one; fallbacks() counts such forwards.
  void set_timestep(std::int64_t t);
  void on_forward(const at::Tensor& timesteps) override;
  std::int64_t fallbacks() const { return fallbacks_; }

  at::Tensor on_input(int layer, const at::Tensor& input) override;
  at::Tensor on_weight(int layer, const at::Tensor& weight) override;

  // Quantizer state as named tensors ("act.<path>.scale", "weight.<path>.scale", ...), enough to
  // rebuild the twin bit for bit with the same FP model and config.
  std::map<std::string, at::Tensor> state() const;
  void load_state(const std::map<std::string, at::Tensor>& state);

  // Activation step in use for a layer at a time step (for s(t) views), 0 when not quantized or
  // dynamic.
  double activation_scale(int layer, std::int64_t t) const;

 private:
  struct Interval {
    float scale = 1.0f;
    float zero_point = 0.0f;
  };
  struct ActivationQuantizer {
    kernels::GridSpec grid;
    Interval fixed;                                  // MinMax
    std::map<std::int64_t, Interval> by_timestep;    // Table
    bool calibrated = false;
  };

  Interval interval_for(const ActivationQuantizer& q, std::int64_t t) const;
  Interval from_range(const RangeObserver::Range& range, const kernels::GridSpec& grid) const;
  at::Tensor dynamic_quantize(const at::Tensor& input, const kernels::GridSpec& grid) const;
  void quantize_weights(const UNetImpl& model);

  QuantConfig config_;
  std::vector<QuantizerSlot> slots_;
  std::vector<ActivationQuantizer> activations_;
  std::vector<at::Tensor> weight_scales_;      // [] or [out_channels]
  std::vector<at::Tensor> quantized_weights_;  // cached fake-quantized weights
  std::int64_t timestep_ = -1;
  std::int64_t fallbacks_ = 0;
};

}  // namespace tdq
