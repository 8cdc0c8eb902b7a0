#pragma once
// The temporal kind (TDQ, TDQ-PTQ): each calibrated slot's interval is s(t) from its own MLP
// (docs/method.md section 4), baked into a table for the sampling schedule; a time step the bake
// does not hold evaluates the MLP.
#include <map>

#include "core/quant/interval_rule.h"
#include "core/quant/tdq_fit.h"
#include "core/quant/tdq_module.h"

namespace tdq {

class TemporalIntervals : public IntervalRule {
 public:
  TemporalIntervals(const QuantConfig& config, std::int64_t encoding_dim, c10::Device device);
  IntervalKind kind() const override { return IntervalKind::Temporal; }

  // New MLPs with s(t) = s0, then (QuantConfig::tdq_init) the per-step start and the bake.
  void calibrated(TwinSlots slots, const RangeObserver& observer,
                  const std::vector<std::int64_t>& timesteps) override;
  void restarted(TwinSlots slots) override { create_modules(slots); }
  // The time-aware start: fits each slot's s(t) to its targets (slots with none keep their MLP).
  void fit(TwinSlots slots, const std::vector<TimedScales>& targets);
  const std::vector<double>& fit_rms() const { return fit_rms_; }
  void bake(const std::vector<std::int64_t>& timesteps);
  const BakedIntervalTable& baked() const { return baked_; }

  void forward_started(const at::Tensor&) override { cache_.clear(); }
  bool falls_back(ConstTwinSlots slots, const at::Tensor& timesteps) const override;
  Interval interval(std::size_t slot, const ActivationQuantizer& q, std::int64_t t) const override;
  // One MLP forward over every t the bake does not hold (opening a TDQ run draws s(t) at all
  // 1,000 t: one forward per t took seconds per layer).
  std::vector<Interval> intervals(std::size_t slot, const ActivationQuantizer& q,
                                  const std::vector<std::int64_t>& timesteps) const override;
  at::Tensor quantize(std::size_t slot, const ActivationQuantizer& q, const at::Tensor& input,
                      const at::Tensor& timesteps) override;

  at::Tensor begin_learning(std::size_t slot, const ActivationQuantizer& q,
                            c10::Device device) override;
  at::Tensor learned_scale(std::size_t slot, const ActivationQuantizer& q,
                           const at::Tensor& trainable, const at::Tensor& timesteps,
                           c10::Device device) override;
  void end_learning(std::size_t slot, ActivationQuantizer& q, const at::Tensor& trainable,
                    bool keep, const std::string& path, std::string& not_finite) override;
  void learning_ended() override;
  void add_module_trainables(std::size_t slot, const ActivationQuantizer& q,
                             const std::string& path, std::vector<std::string>& names,
                             std::vector<at::Tensor>& tensors) const override;

  void save(ConstTwinSlots slots, TensorMap& out) const override;
  void load(TwinSlots slots, const StateLookup& get) override;

 private:
  void create_modules(TwinSlots slots);
  // This forward's [B] intervals of a slot: from its MLP while it learns, else from the bake.
  at::Tensor scales(std::size_t slot, const ActivationQuantizer& q, const at::Tensor& timesteps,
                    bool learning);

  TdqModuleOptions options_;
  bool per_step_start_;
  c10::Device device_;
  std::vector<TdqModule> modules_;
  BakedIntervalTable baked_;
  std::map<std::size_t, at::Tensor> cache_;  // per slot, this forward's intervals
  std::vector<double> fit_rms_;
};

}  // namespace tdq
