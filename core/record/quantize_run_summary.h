#pragma once
// What the workbench shows of a quantize run folder: its configuration, the per-layer bits and
// grids as placed, s(t) and the clamp bounds lo(t)/hi(t) of every activation quantizer over the
// whole schedule, and the weight step sizes. The twin is rebuilt from the run's own state, so
// every number is the one the quantizer uses.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <ATen/Tensor.h>

#include "core/record/analysis.h"

namespace tdq {

struct QuantizeRunSummary {
  std::filesystem::path run, model_dir;  // model_dir: where the model was found
  std::string method, model_sha256;
  std::string config_json;  // the run's quant_config, indented
  std::vector<AnalysisLayer> layers;
  std::int64_t num_timesteps = 1000;
  // [L, T] float64: s(t) (0 where none) and the clamp bounds (NaN where none), T = num_timesteps.
  at::Tensor scale_curve, interval_lo, interval_hi;
  // [L] float64: the weight step, min / mean / max over output channels; NaN without a quantizer.
  at::Tensor weight_step_min, weight_step_mean, weight_step_max;
};

// The model is looked up where run.json names it: as written (absolute, or relative to the
// working folder), then relative to the run's parent folders (runs shipped inside a source tree),
// then the default model. FormatError naming run.json for another kind of run or a missing field;
// ConfigError when no model with the run's weights is found or the state does not fit it.
QuantizeRunSummary read_quantize_run_summary(const std::filesystem::path& run);

}  // namespace tdq
