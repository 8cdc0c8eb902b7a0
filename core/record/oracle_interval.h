#pragma once
// The oracle bound of time-dependent quantization (issue 13 item 2, docs/method.md): from the FP
// model's recorded input histograms of one layer at every sampling step, the MSE-optimal interval
// of each step s*(t), the best single static interval, and the input MSE each gives. Their
// difference is what a perfect time-dependent interval could gain over the best static one,
// known before any training.
#include <cstdint>
#include <utility>
#include <vector>

#include "kernels/fake_quant.h"

namespace tdq {

struct OracleInput {
  // The layer's activation grid (kind, bits, SiLU offset). Asymmetric grids take, for every
  // candidate interval, the zero point that MinMax would give the data's minimum.
  kernels::GridSpec grid;
  std::vector<double> edges;                          // bins + 1 increasing histogram edges
  std::vector<std::vector<std::int64_t>> histograms;  // [steps][bins + 2]: below, bins, above
  std::vector<double> step_min, step_max;             // [steps]: where the outer buckets lie
};

struct OracleInterval {
  std::vector<double> best_scale;         // s*(t) per step
  std::vector<double> best_lo, best_hi;   // its clamp bounds per step (NaN for an empty step)
  std::vector<double> oracle_mse;         // input MSE per value at s*(t)
  std::vector<double> static_mse;         // input MSE per value at the best static interval
  double static_scale = 0;                // the best single interval over all steps
  double static_lo = 0, static_hi = 0;    // its clamp bounds
  double mse_static = 0, mse_oracle = 0;  // per value, over all steps (steps weighted by count)
  double gain() const { return mse_static - mse_oracle; }
};

// Intervals are searched on a log grid refined by golden-section search, to a relative precision
// of ~1e-4. Values inside a histogram bin are taken as spread evenly over it. ConfigError for
// inconsistent shapes or a histogram without values.
OracleInterval oracle_interval(const OracleInput& input);

// The kernel's clamp bounds [lo, hi] on `grid` at step s, with the zero point the oracle gives data
// whose minimum is `data_min` (asymmetric grids; the MinMax rule).
std::pair<double, double> oracle_clamp_bounds(const kernels::GridSpec& grid, double s,
                                              double data_min);

}  // namespace tdq
