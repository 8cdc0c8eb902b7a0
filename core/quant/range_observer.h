#pragma once
#include <cstdint>
#include <map>
#include <vector>

#include <ATen/Tensor.h>

#include "core/model/layer_hooks.h"

namespace tdq {

// Running min/max of every layer input, overall and per time step, collected while the FP model
// samples (calibration) or runs over a calibration set, whose batches mix time steps (each sample
// then counts for its own t). Observes only: the model computes exactly as without hooks.
class RangeObserver : public LayerHooks {
 public:
  explicit RangeObserver(std::vector<LayerInfo> layers)
      : layers_(std::move(layers)), overall_(layers_.size()) {}

  void on_forward(const at::Tensor& timesteps) override;
  at::Tensor on_input(int layer, const at::Tensor& input) override;

  struct Range {
    double min = 0, max = 0;
    bool seen = false;
    void add(double lo, double hi);
  };
  const std::vector<Range>& overall() const { return overall_; }
  // timestep -> per-layer ranges
  const std::map<std::int64_t, std::vector<Range>>& per_timestep() const { return per_timestep_; }

  // For merging the observers of several ranks (core/quant/reduce_ranges.h).
  std::vector<Range>& overall() { return overall_; }
  std::vector<Range>& at_timestep(std::int64_t t);  // unseen ranges when t was not observed

 private:
  std::int64_t timestep_ = -1;       // the forward's time step when all samples share one, else -1
  std::vector<std::int64_t> mixed_;  // per sample, when they do not
  std::vector<LayerInfo> layers_;
  std::vector<Range> overall_;
  std::map<std::int64_t, std::vector<Range>> per_timestep_;
};

}  // namespace tdq
