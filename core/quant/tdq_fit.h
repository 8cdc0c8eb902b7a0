#pragma once
// (ours) The time-aware start of a TDQ MLP: s(t) fitted to target intervals known at some time
// steps (per-step calibration statistics) before block reconstruction or QAT.
#include <cstdint>
#include <vector>

#include "core/quant/tdq_module.h"

namespace tdq {

struct TimedScales {
  std::vector<std::int64_t> timesteps;
  std::vector<double> scales;  // > 0, one per time step (repeats allowed: they are averaged)
};

struct TdqFitOptions {
  int iterations = 400;
  double learning_rate = 1e-2;
};

// Adam on the mean squared error of log s(t) against log target over all given points (full
// batch, deterministic). Returns the root mean square of log(s(t) / target) after fitting.
// ConfigError for no points, mismatched sizes or a target that is not positive and finite.
double fit_tdq_module(TdqModule& module, const TimedScales& targets,
                      const TdqFitOptions& options = {});

}  // namespace tdq
