#include "core/record/oracle_interval.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <tuple>

#include "core/common/errors.h"

namespace tdq {

namespace {

// Points standing for the values of one bin, spread evenly over it.
constexpr int kPointsPerBin = 4;
constexpr int kCandidates = 96;
constexpr int kRefinements = 40;

struct WeightedValues {
  std::vector<double> value, weight;
  double min = std::numeric_limits<double>::infinity(), total = 0;
  void add(double v, double w) {
    if (w <= 0) return;
    value.push_back(v);
    weight.push_back(w);
    min = std::min(min, v);
    total += w;
  }
};

// The values of one step as weighted points, from its histogram.
WeightedValues values_of(const OracleInput& input, std::size_t step) {
  WeightedValues out;
  const auto& histogram = input.histograms[step];
  const std::size_t bins = input.edges.size() - 1;
  out.add(input.step_min[step], static_cast<double>(histogram[0]));
  for (std::size_t b = 0; b < bins; ++b) {
    const double count = static_cast<double>(histogram[b + 1]);
    if (count <= 0) continue;
    const double lo = input.edges[b], width = input.edges[b + 1] - lo;
    for (int k = 0; k < kPointsPerBin; ++k)
      out.add(lo + width * (k + 0.5) / kPointsPerBin, count / kPointsPerBin);
  }
  out.add(input.step_max[step], static_cast<double>(histogram[bins + 1]));
  return out;
}

// Asymmetric grids: z from the minimum as the MinMax rule places it; 0 otherwise.
double zero_point(const kernels::GridSpec& grid, double s, double data_min) {
  const double qmin = static_cast<double>(grid.qmin()), qmax = static_cast<double>(grid.qmax());
  return grid.kind == kernels::GridKind::Asymmetric
             ? std::clamp(std::round(-std::min(data_min, 0.0) / s), qmin, qmax)
             : 0.0;
}

double grid_offset(const kernels::GridSpec& grid) {
  return grid.kind == kernels::GridKind::Unsigned ? grid.offset : 0.0;
}

// The kernel's grid (kernels/fake_quant.cpp): v = (x - offset) / s + z, q = round(clamp(v)),
// y = (q - z) s + offset.
double squared_error(const WeightedValues& values, double s, const kernels::GridSpec& grid,
                     double data_min) {
  const double qmin = static_cast<double>(grid.qmin()), qmax = static_cast<double>(grid.qmax());
  const double offset = grid_offset(grid);
  const double zero = zero_point(grid, s, data_min);
  double sum = 0;
  for (std::size_t i = 0; i < values.value.size(); ++i) {
    const double x = values.value[i];
    const double q = std::nearbyint(std::clamp((x - offset) / s + zero, qmin, qmax));
    const double e = (q - zero) * s + offset - x;
    sum += values.weight[i] * e * e;
  }
  return sum;
}

// argmin over s of f(s): a log grid over [lo, hi], then golden-section search around the best.
template <class Cost>
std::pair<double, double> minimise(const Cost& cost, double lo, double hi) {
  double best_s = hi, best = cost(hi);
  const double ratio = std::pow(hi / lo, 1.0 / (kCandidates - 1));
  for (int c = 0; c < kCandidates; ++c) {
    const double s = lo * std::pow(ratio, c);
    const double value = cost(s);
    if (value < best) best = value, best_s = s;
  }
  double a = best_s / ratio, b = best_s * ratio;
  const double golden = (std::sqrt(5.0) - 1) / 2;
  double c = b - golden * (b - a), d = a + golden * (b - a);
  double fc = cost(c), fd = cost(d);
  for (int it = 0; it < kRefinements; ++it) {
    if (fc < fd) {
      b = d, d = c, fd = fc;
      c = b - golden * (b - a), fc = cost(c);
    } else {
      a = c, c = d, fc = fd;
      d = a + golden * (b - a), fd = cost(d);
    }
  }
  const double s = fc < fd ? c : d, value = std::min(fc, fd);
  return value < best ? std::make_pair(s, value) : std::make_pair(best_s, best);
}

}  // namespace

OracleInterval oracle_interval(const OracleInput& input) {
  const std::size_t steps = input.histograms.size();
  if (input.edges.size() < 2 || steps == 0 || input.step_min.size() != steps ||
      input.step_max.size() != steps) {
    throw ConfigError("oracle interval: needs edges, and a histogram, min and max per step");
  }
  std::vector<WeightedValues> values;
  double reach = 0, total = 0, data_min = std::numeric_limits<double>::infinity();
  const double offset = input.grid.kind == kernels::GridKind::Unsigned ? input.grid.offset : 0.0;
  for (std::size_t k = 0; k < steps; ++k) {
    if (input.histograms[k].size() != input.edges.size() + 1)
      throw ConfigError("oracle interval: step " + std::to_string(k) + " has the wrong bin count");
    values.push_back(values_of(input, k));
    reach = std::max(
        {reach, std::abs(input.step_min[k] - offset), std::abs(input.step_max[k] - offset)});
    total += values.back().total;
    data_min = std::min(data_min, values.back().min);
  }
  if (!(total > 0) || !(reach > 0)) throw ConfigError("oracle interval: the histograms are empty");
  // Every interval worth trying: from one that covers the widest step with its whole grid down to
  // 1/256 of it (beyond, everything is clipped).
  const double levels = static_cast<double>(input.grid.qmax() - input.grid.qmin());
  const double hi = 2 * reach / std::max(levels / 2, 1.0), lo = hi / 256;

  OracleInterval out;
  const auto [s, sum] = minimise(
      [&](double s) {
        double all = 0;
        for (const auto& v : values) all += squared_error(v, s, input.grid, data_min);
        return all;
      },
      lo, hi);
  out.static_scale = s;
  std::tie(out.static_lo, out.static_hi) = oracle_clamp_bounds(input.grid, s, data_min);
  out.mse_static = sum / total;
  for (std::size_t k = 0; k < steps; ++k) {
    const auto& v = values[k];
    if (v.total <= 0) {
      out.best_scale.push_back(0);
      out.best_lo.push_back(std::numeric_limits<double>::quiet_NaN());
      out.best_hi.push_back(std::numeric_limits<double>::quiet_NaN());
      out.oracle_mse.push_back(0);
      out.static_mse.push_back(0);
      continue;
    }
    const double at_static = squared_error(v, s, input.grid, data_min);
    out.static_mse.push_back(at_static / v.total);
    auto [best, best_sum] =
        minimise([&](double c) { return squared_error(v, c, input.grid, v.min); }, lo, hi);
    // The search is not exact, so it may miss a minimum that the static interval hits: a step's
    // own best is never worse than the static interval there (same zero point rule aside).
    const bool static_wins = at_static < best_sum;
    if (static_wins) best = s, best_sum = at_static;
    const auto [lo_bound, hi_bound] =
        oracle_clamp_bounds(input.grid, best, static_wins ? data_min : v.min);
    out.best_scale.push_back(best);
    out.best_lo.push_back(lo_bound);
    out.best_hi.push_back(hi_bound);
    out.oracle_mse.push_back(best_sum / v.total);
    out.mse_oracle += best_sum / total;
  }
  return out;
}

std::pair<double, double> oracle_clamp_bounds(const kernels::GridSpec& grid, double s,
                                              double data_min) {
  const double zero = zero_point(grid, s, data_min), offset = grid_offset(grid);
  return {(static_cast<double>(grid.qmin()) - zero) * s + offset,
          (static_cast<double>(grid.qmax()) - zero) * s + offset};
}

}  // namespace tdq
