#pragma once
// The dynamic kind: each sample's interval comes from its own input at run time (MinMax over the
// sample), so nothing is calibrated, learned or stored.
#include "core/quant/interval_rule.h"

namespace tdq {

class DynamicIntervals : public IntervalRule {
 public:
  IntervalKind kind() const override { return IntervalKind::Dynamic; }
  bool calibrates() const override { return false; }
  at::Tensor quantize(std::size_t slot, const ActivationQuantizer& q, const at::Tensor& input,
                      const at::Tensor& timesteps) override;
  at::Tensor begin_learning(std::size_t, const ActivationQuantizer&, c10::Device) override {
    return {};
  }
  void end_learning(std::size_t, ActivationQuantizer&, const at::Tensor&, bool, const std::string&,
                    std::string&) override {}
  void save(ConstTwinSlots, TensorMap&) const override {}
  void load(TwinSlots, const StateLookup&) override {}
};

}  // namespace tdq
