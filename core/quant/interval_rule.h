#pragma once
// Each interval kind (static, per-step table, dynamic, temporal) behind one interface. The twin
// (QuantizedModel) keeps the per-slot data and the placement; its rule says what the activation
// interval is at sampling time, what learns while learning, and what a run folder stores.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <ATen/Tensor.h>
#include <c10/core/Device.h>

#include "core/quant/quant_config.h"
#include "core/quant/range_observer.h"
#include "core/quant/slot_quantizer.h"

namespace tdq {

// The twin's slots as a rule sees them: placement and per-slot data, index for index.
struct TwinSlots {
  const std::vector<QuantizerSlot>& placement;
  std::vector<SlotQuantizer>& quantizers;
};
struct ConstTwinSlots {
  ConstTwinSlots(const std::vector<QuantizerSlot>& p, const std::vector<SlotQuantizer>& q)
      : placement(p), quantizers(q) {}
  ConstTwinSlots(TwinSlots slots) : placement(slots.placement), quantizers(slots.quantizers) {}
  const std::vector<QuantizerSlot>& placement;
  const std::vector<SlotQuantizer>& quantizers;
};

using TensorMap = std::map<std::string, at::Tensor>;
// Looks a key up in a stored state; ConfigError naming the key when it is missing.
using StateLookup = std::function<const at::Tensor&(const std::string& key)>;

// The static kind (MinMax, PTQ4DM, LSQ, PACT, NIPQ): one interval per slot, `fixed`. The other
// kinds override what differs.
class IntervalRule {
 public:
  virtual ~IntervalRule() = default;
  virtual IntervalKind kind() const { return IntervalKind::Static; }
  // Dynamic intervals come from the input: nothing to calibrate, learn or store.
  virtual bool calibrates() const { return true; }

  // Calibration: called once every quantized slot's `fixed` interval is set from its overall
  // range (calibrated) or from given steps (restarted).
  virtual void calibrated(TwinSlots, const RangeObserver&, const std::vector<std::int64_t>&) {}
  virtual void restarted(TwinSlots) {}

  // Sampling. A forward over `timesteps` ([B], CPU int64) starts; whether a time step falls outside
  // what the rule was built for (and is served by the nearest step or the MLP instead).
  virtual void forward_started(const at::Tensor& /*timesteps*/) {}
  virtual bool falls_back(ConstTwinSlots, const at::Tensor& /*timesteps*/) const { return false; }
  // The interval of a calibrated slot at t (t < 0: not known).
  virtual Interval interval(std::size_t /*slot*/, const ActivationQuantizer& q,
                            std::int64_t /*t*/) const {
    return q.fixed;
  }
  // The same at many t (curves over a schedule): interval() per t unless a kind can do better.
  virtual std::vector<Interval> intervals(std::size_t slot, const ActivationQuantizer& q,
                                          const std::vector<std::int64_t>& timesteps) const;
  // Fake-quantizes `input` of a calibrated slot for the current forward.
  virtual at::Tensor quantize(std::size_t slot, const ActivationQuantizer& q,
                              const at::Tensor& input, const at::Tensor& timesteps);

  // Learning. begin returns the slot's trainable interval tensor (undefined when the rule's
  // trainables live elsewhere, as TDQ's MLPs do), named `trainable_prefix() + path`;
  // learned_scale is the step ([] or [B]) through which gradients reach it; end writes it back
  // when `keep` and it is finite, else names the slot in `not_finite`.
  virtual at::Tensor begin_learning(std::size_t slot, const ActivationQuantizer& q,
                                    c10::Device device);
  virtual const char* trainable_prefix() const { return "act."; }
  virtual at::Tensor learned_scale(std::size_t slot, const ActivationQuantizer& q,
                                   const at::Tensor& trainable, const at::Tensor& timesteps,
                                   c10::Device device);
  virtual void end_learning(std::size_t slot, ActivationQuantizer& q, const at::Tensor& trainable,
                            bool keep, const std::string& path, std::string& not_finite);
  virtual void learning_ended() {}
  // Trainables that are not interval tensors ("tdq.<path>.<parameter>").
  virtual void add_module_trainables(std::size_t /*slot*/, const ActivationQuantizer& /*q*/,
                                     const std::string& /*path*/,
                                     std::vector<std::string>& /*names*/,
                                     std::vector<at::Tensor>& /*tensors*/) const {}

  // Run folders: "act.<path>.*" (and the kind's own keys).
  virtual void save(ConstTwinSlots slots, TensorMap& out) const;
  virtual void load(TwinSlots slots, const StateLookup& get);
};

// The rule of `config.method`'s interval kind; `encoding_dim` is the U-Net's base channel count
// (the TDQ MLP's default encoding width), `device` the model's.
std::unique_ptr<IntervalRule> make_interval_rule(const QuantConfig& config,
                                                 std::int64_t encoding_dim, c10::Device device);

}  // namespace tdq
