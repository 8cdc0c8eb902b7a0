#pragma once
// The oracle bound of every quantized layer of an analyze run (core/record/oracle_interval.h),
// from the FP stream's histograms, as arrays of the run and a summary for run.json.
#include <nlohmann/json.hpp>

#include "core/record/analysis.h"

namespace tdq {

// Adds to analysis.arrays (float64, NaN for layers without a quantizer):
//   oracle.scale [L, S]      s*(t), the MSE-optimal interval of each step
//   oracle.lo, oracle.hi [L, S]  its clamp bounds (what Layer Range draws)
//   oracle.static_scale [L]  the best single interval over all steps
//   oracle.mse_static [L], oracle.mse_oracle [L]  input MSE per value at those intervals
// `bits` > 0 evaluates every layer at that activation width instead of its own (an FP-only
// record asks "what could 4-bit TDQ gain here"). Needs a record with histograms (bins > 0).
void add_oracle_bound(Analysis& analysis, int bits = 0);

// {"bits", "layers", "mse_static", "mse_oracle" (sums over layers), "gain", "gain_fraction",
//  "median_layer_gain_fraction", "max_layer_gain_fraction" (per layer: gain / static MSE),
//  "top": the 5 layers with the largest gain: [{path, gain, gain_fraction}]}; null without arrays.
nlohmann::json oracle_summary_json(const Analysis& analysis, int bits = 0);

}  // namespace tdq
