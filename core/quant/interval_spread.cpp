#include "core/quant/interval_spread.h"

#include <algorithm>

namespace tdq {

std::vector<IntervalSpread> interval_spread(const QuantizedModel& twin,
                                            const std::vector<std::int64_t>& timesteps) {
  std::vector<IntervalSpread> out;
  for (const auto& slot : twin.slots()) {
    if (!slot.quantized || timesteps.empty()) continue;
    IntervalSpread entry{slot.path, 0, 0};
    bool first = true;
    for (std::int64_t t : timesteps) {
      const double s = twin.activation_scale(slot.layer, t);
      if (!(s > 0)) break;  // dynamic or not calibrated: no interval to speak of
      entry.min_scale = first ? s : std::min(entry.min_scale, s);
      entry.max_scale = first ? s : std::max(entry.max_scale, s);
      first = false;
    }
    if (entry.min_scale > 0) out.push_back(entry);
  }
  return out;
}

nlohmann::json interval_spread_json(const std::vector<IntervalSpread>& spread,
                                    std::size_t timesteps) {
  if (spread.empty()) return nullptr;
  nlohmann::json layers = nlohmann::json::object();
  std::vector<double> ratios;
  for (const auto& entry : spread) {
    layers[entry.path] = entry.ratio();
    ratios.push_back(entry.ratio());
  }
  std::sort(ratios.begin(), ratios.end());
  const std::size_t n = ratios.size();
  const double median = n % 2 ? ratios[n / 2] : 0.5 * (ratios[n / 2 - 1] + ratios[n / 2]);
  const auto at_least =
      std::count_if(ratios.begin(), ratios.end(), [](double r) { return r >= 1.2; });
  return {{"timesteps", timesteps},
          {"quantizers", n},
          {"median_ratio", median},
          {"min_ratio", ratios.front()},
          {"max_ratio", ratios.back()},
          {"layers_at_least_1.2", at_least},
          {"layers", layers}};
}

}  // namespace tdq
