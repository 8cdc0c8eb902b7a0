#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tdq {

// docs/method.md section 9: 62.1% of layers with |r| > 0.5 and 38.8% with |r| > 0.7 (DDIM,
// CIFAR-10), r = Pearson(t, per-step activation range).
constexpr double kPaperFractionAbove05 = 0.621;
constexpr double kPaperFractionAbove07 = 0.388;

// Pearson r between t and one range statistic of every layer, over the sampling steps.
struct TimeDependenceStat {
  std::string statistic;         // "max", "max-min" or "p99.9-p0.1"
  std::vector<double> r;         // per layer; NaN where undefined (constant range)
  std::vector<char> considered;  // per layer: counted in the fractions (quantizer inputs)
  std::int64_t layers = 0;       // considered layers
  std::int64_t undefined = 0;    // considered layers with undefined r
  std::int64_t above_05 = 0, above_07 = 0;
  // Over the considered layers with a defined r (undefined r counts as not time-dependent in
  // neither numerator nor denominator); NaN when no layer has a defined r.
  double fraction_05 = 0, fraction_07 = 0;
};

struct TimeDependence {
  std::vector<TimeDependenceStat> stats;  // max, max-min, p99.9-p0.1
  std::string headline = "max-min";       // the statistic the summary and top/bottom lists use
  std::vector<int> most, least;           // up to 5 considered layers each, by |r| of the headline
  const TimeDependenceStat& stat(const std::string& name) const;  // Error naming it when unknown
};

// `series[s][layer][step]` for s in (max, max-min, p99.9-p0.1); `timesteps` per step; `considered`
// per layer. Percentile series may be all NaN (no histogram): those r are undefined.
TimeDependence time_dependence(const std::vector<std::int64_t>& timesteps,
                               const std::vector<std::vector<double>>& max,
                               const std::vector<std::vector<double>>& range,
                               const std::vector<std::vector<double>>& percentile_range,
                               const std::vector<char>& considered);

}  // namespace tdq
