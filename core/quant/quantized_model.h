#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <ATen/Tensor.h>
#include <ATen/core/Generator.h>
#include <c10/core/Device.h>

#include "core/model/layer_hooks.h"
#include "core/model/unet.h"
#include "core/quant/interval_rule.h"
#include "core/quant/learning_session.h"
#include "core/quant/quant_config.h"
#include "core/quant/range_observer.h"
#include "core/quant/tdq_fit.h"
#include "core/quant/tdq_module.h"
#include "core/quant/temporal_intervals.h"

namespace tdq {

// The quantized twin of a model: LayerHooks that fake-quantize each quantized layer's input and
// weight. The FP module is shared, never modified: forward(x, t, &twin) is the quantized model,
// forward(x, t) the FP one. Placement, weights and calibration live here; what differs between
// interval kinds lives in the method's IntervalRule (interval_rule.h, table_intervals.h,
// dynamic_intervals.h, temporal_intervals.h), learning in LearningSession, run-folder state in
// quantized_model_state.cpp.
class QuantizedModel : public LayerHooks {
 public:
  // Places quantizers and computes weight steps (MinMax, per tensor or per output channel).
  QuantizedModel(const UNetImpl& model, QuantConfig config);
  ~QuantizedModel() override;
  QuantizedModel(const QuantizedModel&) = delete;
  QuantizedModel& operator=(const QuantizedModel&) = delete;

  const QuantConfig& config() const { return config_; }
  const std::vector<QuantizerSlot>& slots() const { return slots_; }

  // Sets activation intervals from calibration ranges: static (MinMax; the initial step of every
  // learned method), per time step or per group of steps (Table; `timesteps` is the sampler
  // schedule, descending). Temporal methods get MLPs with s(t) = s0 = the static step.
  void calibrate(const RangeObserver& observer, const std::vector<std::int64_t>& timesteps);
  // Initial static steps given per slot (QAT's statistics rule); entries <= 0 are ignored.
  // Temporal methods' MLPs restart at the new s0.
  void set_static_steps(const std::vector<double>& steps);

  // Table QAT (the per-step table ablation): gives every calibrated quantizer a table over
  // `timesteps` (the sampler schedule, descending) in config().table_groups groups of consecutive
  // steps (0: one per step; 1: S1, one shared interval), each starting at the static step. Learning
  // then trains one log step per group; a training t outside the table uses the nearest step.
  void init_step_table(const std::vector<std::int64_t>& timesteps);

  // Temporal methods, the time-aware start (QuantConfig::tdq_init): fits each slot's s(t) to its
  // targets (slots with none keep their MLP); calibrate() does it from per-step ranges. The fit's
  // RMS of log(s / target) per slot, 0 where none was fitted.
  void fit_temporal(const std::vector<TimedScales>& targets);
  const std::vector<double>& tdq_fit_rms() const;

  // Temporal methods: evaluates every MLP once per step of `timesteps` and samples from that table.
  void bake(const std::vector<std::int64_t>& timesteps);
  const BakedIntervalTable& baked() const;

  // The time step of the next forward (all samples); on_forward takes one per sample. A step the
  // table (Table) or bake (TDQ) does not hold uses the nearest calibrated step (Table) or evaluates
  // the MLP (TDQ); fallbacks() counts forwards that did.
  void set_timestep(std::int64_t t);
  void on_forward(const at::Tensor& timesteps) override;
  // Throws what the CUDA kernels recorded in this forward (a NaN input, a bad step): one device
  // sync per model call instead of one per layer.
  void on_forward_end() override;
  std::int64_t fallbacks() const { return fallbacks_; }

  // Learning (block reconstruction, QAT): the given slots quantize with autograd so gradients
  // reach their steps (static methods, as log s), tables or TDQ MLPs, with the method's training
  // behaviour (PACT clipping, NIPQ noise) and QDrop (each element keeps its FP value with that
  // probability). With `learn_weights` (QAT) their weights (a copy of the FP weights; the FP model
  // is untouched) and weight steps learn too. Other slots quantize as at sampling. The session owns
  // what trains; its end() keeps the learned values. One session at a time.
  LearningSession begin_learning(const std::vector<std::size_t>& slots,
                                 double qdrop_probability = 0.0, std::uint64_t seed = 0,
                                 bool learn_weights = false);
  bool learning() const { return learning_ != nullptr; }

  at::Tensor on_input(int layer, const at::Tensor& input) override;
  at::Tensor on_weight(int layer, const at::Tensor& weight) override;

  // Quantizer state as named tensors ("act.<path>.scale", "weight.<path>.scale", "tdq.<path>.*",
  // "tdq_baked.*"), enough to rebuild the twin bit for bit with the same FP model and config.
  std::map<std::string, at::Tensor> state() const;
  void load_state(const std::map<std::string, at::Tensor>& state);

  // Activation step in use for a layer at a time step (for s(t) views), 0 when not quantized,
  // dynamic or FP at that t (per-window bits); and the grid with its zero point and bits.
  double activation_scale(int layer, std::int64_t t) const;
  kernels::GridSpec activation_grid(int layer, std::int64_t t) const;
  // Both at each of `timesteps` in one query (curves over a schedule); empty where
  // activation_scale is 0 at every t.
  struct ActivationCurve {
    std::vector<double> scale;
    std::vector<kernels::GridSpec> grid;
  };
  ActivationCurve activation_curve(int layer, const std::vector<std::int64_t>& timesteps) const;

 private:
  friend class LearningSession;
  // The weight a slot samples with: `weights` fake-quantized with `scale` (CPU), on the device.
  void set_weight(std::size_t index, const at::Tensor& weights, const at::Tensor& scale);
  TemporalIntervals* temporal() const;
  // on_input at sampling for a slot with per-window bits (QuantizerSlot::input_windows).
  at::Tensor quantize_by_window(std::size_t index, const at::Tensor& input);
  TwinSlots twin_slots() { return {slots_, quantizers_}; }
  ConstTwinSlots twin_slots() const { return {slots_, quantizers_}; }

  QuantConfig config_;
  std::vector<QuantizerSlot> slots_;
  std::vector<SlotQuantizer> quantizers_;  // one per slot
  std::unique_ptr<IntervalRule> rule_;     // what the method's interval kind does
  c10::Device device_ = c10::kCPU;
  at::Tensor timesteps_;               // [B] of the current forward, CPU int64
  LearningState* learning_ = nullptr;  // the open session's
  std::int64_t fallbacks_ = 0;
};

}  // namespace tdq
