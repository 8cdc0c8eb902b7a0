#include "core/record/time_dependence.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/common/errors.h"
#include "core/record/pearson.h"

namespace tdq {

namespace {

TimeDependenceStat correlate(const std::string& name, const std::vector<double>& t,
                             const std::vector<std::vector<double>>& series,
                             const std::vector<char>& considered) {
  if (series.size() != considered.size())
    throw Error("time dependence: layer count differs for " + name);
  TimeDependenceStat stat;
  stat.statistic = name;
  stat.considered = considered;
  std::int64_t defined = 0;
  for (std::size_t l = 0; l < series.size(); ++l) {
    const auto r = pearson(t, series[l]);
    stat.r.push_back(r ? *r : std::numeric_limits<double>::quiet_NaN());
    if (!considered[l]) continue;
    ++stat.layers;
    if (!r) {
      ++stat.undefined;
      continue;
    }
    ++defined;
    if (std::abs(*r) > 0.5) ++stat.above_05;
    if (std::abs(*r) > 0.7) ++stat.above_07;
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  stat.fraction_05 =
      defined ? static_cast<double>(stat.above_05) / static_cast<double>(defined) : nan;
  stat.fraction_07 =
      defined ? static_cast<double>(stat.above_07) / static_cast<double>(defined) : nan;
  return stat;
}

}  // namespace

const TimeDependenceStat& TimeDependence::stat(const std::string& name) const {
  for (const auto& s : stats) {
    if (s.statistic == name) return s;
  }
  throw Error("time dependence: no statistic '" + name + "'");
}

TimeDependence time_dependence(const std::vector<std::int64_t>& timesteps,
                               const std::vector<std::vector<double>>& max,
                               const std::vector<std::vector<double>>& range,
                               const std::vector<std::vector<double>>& percentile_range,
                               const std::vector<char>& considered) {
  const std::vector<double> t(timesteps.begin(), timesteps.end());
  TimeDependence td;
  td.stats.push_back(correlate("max", t, max, considered));
  td.stats.push_back(correlate("max-min", t, range, considered));
  td.stats.push_back(correlate("p99.9-p0.1", t, percentile_range, considered));
  const auto& head = td.stat(td.headline);
  std::vector<int> order;
  for (std::size_t l = 0; l < head.r.size(); ++l) {
    if (considered[l] && std::isfinite(head.r[l])) order.push_back(static_cast<int>(l));
  }
  // Ties broken by layer index, so the lists are stable across runs.
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return std::abs(head.r[static_cast<std::size_t>(a)]) >
           std::abs(head.r[static_cast<std::size_t>(b)]);
  });
  const std::size_t k = std::min<std::size_t>(5, order.size());
  td.most.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k));
  td.least.assign(order.rbegin(), order.rbegin() + static_cast<std::ptrdiff_t>(k));
  return td;
}

}  // namespace tdq
