#include "core/record/oracle_analysis.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/common/errors.h"
#include "core/record/oracle_interval.h"

namespace tdq {

namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

kernels::GridSpec grid_of(const AnalysisLayer& layer, int bits) {
  kernels::GridSpec grid;
  grid.kind = kernels::parse_grid_kind(layer.grid);
  grid.bits = bits > 0 ? bits : layer.a_bits;
  grid.offset = grid.kind == kernels::GridKind::Unsigned ? kernels::kSiluMinimum : 0.0;
  return grid;
}

}  // namespace

void add_oracle_bound(Analysis& analysis, int bits) {
  const at::Tensor edges = analysis.array("edges").to(at::kDouble).contiguous();
  const at::Tensor histogram = analysis.array("fp.histogram").to(at::kLong).contiguous();
  const at::Tensor mins = analysis.array("fp.min").to(at::kDouble).contiguous();
  const at::Tensor maxs = analysis.array("fp.max").to(at::kDouble).contiguous();
  const std::int64_t layers = histogram.size(0), steps = histogram.size(1),
                     buckets = histogram.size(2);
  if (static_cast<std::size_t>(layers) != analysis.layers.size() || edges.size(1) + 1 != buckets)
    throw ConfigError("oracle bound: histogram arrays do not match the run's layers");
  at::Tensor scale = at::full({layers, steps}, kMissing, at::kDouble);
  at::Tensor lo = at::full({layers, steps}, kMissing, at::kDouble);
  at::Tensor hi = at::full({layers, steps}, kMissing, at::kDouble);
  at::Tensor static_scale = at::full({layers}, kMissing, at::kDouble);
  at::Tensor mse_static = at::full({layers}, kMissing, at::kDouble);
  at::Tensor mse_oracle = at::full({layers}, kMissing, at::kDouble);
  for (std::int64_t l = 0; l < layers; ++l) {
    const AnalysisLayer& layer = analysis.layers[static_cast<std::size_t>(l)];
    if (!layer.quantizer || layer.grid.empty()) continue;
    OracleInput input;
    input.grid = grid_of(layer, bits);
    const double* e = edges[l].data_ptr<double>();
    input.edges.assign(e, e + edges.size(1));
    for (std::int64_t k = 0; k < steps; ++k) {
      const std::int64_t* h = histogram[l][k].data_ptr<std::int64_t>();
      input.histograms.emplace_back(h, h + buckets);
      input.step_min.push_back(mins[l][k].item<double>());
      input.step_max.push_back(maxs[l][k].item<double>());
    }
    const OracleInterval oracle = oracle_interval(input);
    for (std::int64_t k = 0; k < steps; ++k) {
      const auto step = static_cast<std::size_t>(k);
      scale[l][k] = oracle.best_scale[step];
      lo[l][k] = oracle.best_lo[step];
      hi[l][k] = oracle.best_hi[step];
    }
    static_scale[l] = oracle.static_scale;
    mse_static[l] = oracle.mse_static;
    mse_oracle[l] = oracle.mse_oracle;
  }
  analysis.arrays["oracle.scale"] = scale;
  analysis.arrays["oracle.lo"] = lo;
  analysis.arrays["oracle.hi"] = hi;
  analysis.arrays["oracle.static_scale"] = static_scale;
  analysis.arrays["oracle.mse_static"] = mse_static;
  analysis.arrays["oracle.mse_oracle"] = mse_oracle;
}

nlohmann::json oracle_summary_json(const Analysis& analysis, int bits) {
  if (!analysis.arrays.count("oracle.mse_static")) return nullptr;
  const at::Tensor st = analysis.arrays.at("oracle.mse_static");
  const at::Tensor orc = analysis.arrays.at("oracle.mse_oracle");
  double sum_static = 0, sum_oracle = 0;
  std::int64_t count = 0;
  std::vector<std::pair<double, std::size_t>> gains;
  for (std::size_t l = 0; l < analysis.layers.size(); ++l) {
    const double s = st[static_cast<std::int64_t>(l)].item<double>();
    const double o = orc[static_cast<std::int64_t>(l)].item<double>();
    if (std::isnan(s) || std::isnan(o)) continue;
    sum_static += s, sum_oracle += o, ++count;
    gains.push_back({s - o, l});
  }
  // Per-layer fractions too: the summed MSE is dominated by the layers with the widest ranges.
  std::vector<double> fractions;
  for (const auto& [gain, l] : gains) {
    const double s = st[static_cast<std::int64_t>(l)].item<double>();
    fractions.push_back(s > 0 ? gain / s : 0.0);
  }
  std::sort(fractions.begin(), fractions.end());
  const std::size_t n = fractions.size();
  const double median = n == 0  ? 0.0
                        : n % 2 ? fractions[n / 2]
                                : 0.5 * (fractions[n / 2 - 1] + fractions[n / 2]);
  std::sort(gains.rbegin(), gains.rend());
  nlohmann::json top = nlohmann::json::array();
  for (std::size_t i = 0; i < std::min<std::size_t>(5, gains.size()); ++i) {
    const std::size_t l = gains[i].second;
    const double s = st[static_cast<std::int64_t>(l)].item<double>();
    top.push_back({{"path", analysis.layers[l].path},
                   {"gain", gains[i].first},
                   {"gain_fraction", s > 0 ? gains[i].first / s : 0.0}});
  }
  return {{"bits", bits > 0 ? nlohmann::json(bits) : nlohmann::json("as placed")},
          {"layers", count},
          {"mse_static", sum_static},
          {"mse_oracle", sum_oracle},
          {"gain", sum_static - sum_oracle},
          {"gain_fraction", sum_static > 0 ? (sum_static - sum_oracle) / sum_static : 0.0},
          {"median_layer_gain_fraction", median},
          {"max_layer_gain_fraction", n ? fractions.back() : 0.0},
          {"top", top}};
}

}  // namespace tdq
