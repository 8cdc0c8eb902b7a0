#pragma once
// How much a quantizer's activation interval changes: over a sampling schedule (max/min of s(t);
// a TDQ run whose ratios are all ~1 learned a static quantizer) and over training (how far a
// learned static step moved from its statistics start; a step that stayed put learned nothing).
// `tdq quantize` and run.json report both so that either is visible at once.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/quant/quantized_model.h"

namespace tdq {

struct IntervalSpread {
  std::string path;
  double min_scale = 0, max_scale = 0;
  double ratio() const { return min_scale > 0 ? max_scale / min_scale : 1.0; }
};

// Every quantized layer with a calibrated, non-dynamic activation quantizer, in slot order.
std::vector<IntervalSpread> interval_spread(const QuantizedModel& twin,
                                            const std::vector<std::int64_t>& timesteps);

// {"timesteps": n, "layers": {path: ratio}, "median_ratio", "max_ratio", "min_ratio",
//  "layers_at_least_1.2": count, "quantizers": count}; null when there are no such layers.
nlohmann::json interval_spread_json(const std::vector<IntervalSpread>& spread,
                                    std::size_t timesteps);

// {"quantizers": count, "median_move", "max_move", "moved_at_least_5pct": count, "steps": {name:
// move}} from each learned step's move |s_end / s_start - 1| (largest element); null when empty.
nlohmann::json step_movement_json(const std::map<std::string, double>& moves);

}  // namespace tdq
