#include "core/quant/interval_spread.h"

#include <algorithm>

namespace tdq {

namespace {

double median_of_sorted(const std::vector<double>& sorted) {
  const std::size_t n = sorted.size();
  return n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}

}  // namespace

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
  const double median = median_of_sorted(ratios);
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

nlohmann::json step_movement_json(const std::map<std::string, double>& moves) {
  if (moves.empty()) return nullptr;
  std::vector<double> sorted;
  for (const auto& [name, move] : moves) sorted.push_back(move);
  std::sort(sorted.begin(), sorted.end());
  const auto at_least =
      std::count_if(sorted.begin(), sorted.end(), [](double m) { return m >= 0.05; });
  return {{"quantizers", sorted.size()},
          {"median_move", median_of_sorted(sorted)},
          {"max_move", sorted.back()},
          {"moved_at_least_5pct", at_least},
          {"steps", moves}};
}

}  // namespace tdq
