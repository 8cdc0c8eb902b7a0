#pragma once
// How much a quantizer's activation interval changes over a sampling schedule: max/min of s(t).
// A TDQ run whose ratios are all ~1 learned a static quantizer; `tdq quantize` and run.json report
// it so that is visible at once.
#include <cstdint>
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

}  // namespace tdq
