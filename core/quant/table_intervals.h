#pragma once
// The per-step table kind: an interval per sampling time step, calibrated from each step's ranges
// in `groups` groups of consecutive steps (0: one per step), learned in QAT as one log step per
// group. A time step the table does not hold uses the nearest one.
#include "core/quant/interval_rule.h"

namespace tdq {

class TableIntervals : public IntervalRule {
 public:
  explicit TableIntervals(int groups) : groups_(groups) {}
  IntervalKind kind() const override { return IntervalKind::PerStep; }

  void calibrated(TwinSlots slots, const RangeObserver& observer,
                  const std::vector<std::int64_t>& timesteps) override;
  // QAT's start: every calibrated slot gets a table over `timesteps` (descending) whose entries
  // start at its static step, grouped for learning.
  void init_table(TwinSlots slots, const std::vector<std::int64_t>& timesteps) const;

  bool falls_back(ConstTwinSlots slots, const at::Tensor& timesteps) const override;
  Interval interval(std::size_t slot, const ActivationQuantizer& q, std::int64_t t) const override;

  at::Tensor begin_learning(std::size_t slot, const ActivationQuantizer& q,
                            c10::Device device) override;
  const char* trainable_prefix() const override { return "table."; }
  at::Tensor learned_scale(std::size_t slot, const ActivationQuantizer& q,
                           const at::Tensor& trainable, const at::Tensor& timesteps,
                           c10::Device device) override;
  void end_learning(std::size_t slot, ActivationQuantizer& q, const at::Tensor& trainable,
                    bool keep, const std::string& path, std::string& not_finite) override;

  void save(ConstTwinSlots slots, TensorMap& out) const override;
  void load(TwinSlots slots, const StateLookup& get) override;

 private:
  int groups_;
};

}  // namespace tdq
