#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <ATen/Tensor.h>
#include <ATen/core/Generator.h>
#include <c10/core/Device.h>

#include "core/model/layer_hooks.h"
#include "core/model/unet.h"
#include "core/quant/quant_config.h"
#include "core/quant/range_observer.h"
#include "core/quant/tdq_fit.h"
#include "core/quant/tdq_module.h"

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
  const std::vector<double>& tdq_fit_rms() const { return tdq_fit_rms_; }

  // Temporal methods: evaluates every MLP once per step of `timesteps` and samples from that table.
  void bake(const std::vector<std::int64_t>& timesteps);
  const BakedIntervalTable& baked() const { return baked_; }

  // The time step of the next forward (all samples); on_forward takes one per sample. A step the
  // table (Table) or bake (TDQ) does not hold uses the nearest calibrated step (Table) or evaluates
  // the MLP (TDQ); fallbacks() counts forwards that did.
  void set_timestep(std::int64_t t);
  void on_forward(const at::Tensor& timesteps) override;
  std::int64_t fallbacks() const { return fallbacks_; }

  // Learning (block reconstruction, QAT): the given slots quantize with autograd so gradients
  // reach their steps (static methods, as log s) or TDQ MLPs, with the method's training behaviour
  // (PACT clipping, NIPQ noise) and QDrop (each element keeps its FP value with that probability).
  // With `learn_weights` (QAT) their weights (a copy of the FP weights; the FP model is untouched)
  // and weight steps (LSQ) learn too. Other slots quantize as at sampling. end_learning() keeps the
  // learned values (or, with keep = false after a failure, the values from before) and re-bakes.
  // QDrop masks and NIPQ noise come from a generator seeded by `seed` (reseed() per training step
  // makes resumed runs identical to uninterrupted ones).
  void begin_learning(const std::vector<std::size_t>& slots, double qdrop_probability = 0.0,
                      std::uint64_t seed = 0, bool learn_weights = false);
  void reseed(std::uint64_t seed);
  struct Learnable {
    std::vector<std::string> names;
    std::vector<at::Tensor> tensors;
  };
  Learnable learnable_steps() const;    // "act.<path>", "table.<path>", "weight.<path>" log steps
  Learnable learnable_tdq() const;      // "tdq.<path>.<parameter>"
  Learnable learnable_weights() const;  // "w.<path>"
  void end_learning(bool keep = true);
  bool learning() const { return !learning_.empty(); }

  at::Tensor on_input(int layer, const at::Tensor& input) override;
  at::Tensor on_weight(int layer, const at::Tensor& weight) override;

  // Quantizer state as named tensors ("act.<path>.scale", "weight.<path>.scale", "tdq.<path>.*",
  // "tdq_baked.*"), enough to rebuild the twin bit for bit with the same FP model and config.
  std::map<std::string, at::Tensor> state() const;
  void load_state(const std::map<std::string, at::Tensor>& state);

  // Activation step in use for a layer at a time step (for s(t) views), 0 when not quantized or
  // dynamic; and the grid with its zero point.
  double activation_scale(int layer, std::int64_t t) const;
  kernels::GridSpec activation_grid(int layer, std::int64_t t) const;

 private:
  struct Interval {
    float scale = 1.0f;
    float zero_point = 0.0f;
  };
  struct ActivationQuantizer {
    kernels::GridSpec grid;
    Interval fixed;                                // static methods; s0 of temporal ones
    std::map<std::int64_t, Interval> by_timestep;  // Table
    int tdq = -1;                                  // index into tdq_modules_
    bool calibrated = false;
    at::Tensor log_step;  // while learning a static step
    float log_step_start = 0.0f;
    std::map<std::int64_t, std::int64_t> group_of;  // Table: group of each time step
    at::Tensor group_log_steps;                     // [groups] while learning a table
  };

  Interval interval_for(const ActivationQuantizer& q, std::int64_t t) const;
  Interval from_range(const RangeObserver::Range& range, const kernels::GridSpec& grid) const;
  at::Tensor dynamic_quantize(const at::Tensor& input, const kernels::GridSpec& grid) const;
  at::Tensor temporal_scales(std::size_t index);
  at::Tensor learned_quantize(std::size_t index, const at::Tensor& x);
  at::Tensor table_scales(const ActivationQuantizer& q) const;
  void quantize_weights(const UNetImpl& model);
  void set_weight_scale(std::size_t index, const at::Tensor& scale);  // CPU scale
  void create_tdq_modules();
  IntervalKind kind() const { return interval_kind(config_.method); }

  QuantConfig config_;
  std::vector<QuantizerSlot> slots_;
  std::vector<ActivationQuantizer> activations_;
  std::vector<at::Tensor> weight_scales_;      // [] or [out_channels]
  std::vector<at::Tensor> quantized_weights_;  // cached fake-quantized weights
  std::vector<at::Tensor> fp_weights_;         // the FP model's (shared storage, never written)
  std::vector<bool> learned_weights_;          // QAT changed them: saved as integer codes
  std::vector<at::Tensor> weight_params_, weight_log_steps_;  // while learning weights
  std::vector<TdqModule> tdq_modules_;
  std::int64_t encoding_dim_ = 32;
  c10::Device device_ = c10::kCPU;
  BakedIntervalTable baked_;
  at::Tensor timesteps_;                    // [B] of the current forward, CPU int64
  std::vector<at::Tensor> temporal_cache_;  // per slot, this forward's [B] intervals
  std::vector<bool> learning_;              // per slot, empty when not learning
  double qdrop_ = 0.0;
  at::Generator noise_;
  std::int64_t fallbacks_ = 0;
  std::vector<double> tdq_fit_rms_;
};

}  // namespace tdq
