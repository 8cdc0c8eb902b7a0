#include "core/record/layer_summary.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/common/errors.h"
#include "core/record/analysis.h"
#include "core/record/time_dependence.h"

namespace tdq {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

const at::Tensor& get(const std::map<std::string, at::Tensor>& arrays, const std::string& key) {
  auto it = arrays.find(key);
  if (it == arrays.end()) throw ConfigError("analysis has no array '" + key + "'");
  return it->second;
}

// Row-wise mean over the finite values; NaN for a row without any, or a layer not kept.
at::Tensor finite_row_means(const at::Tensor& values, const std::vector<char>& keep) {
  const at::Tensor v = values.to(at::kDouble).contiguous();
  at::Tensor out = at::full({v.size(0)}, kNan, at::kDouble);
  for (std::int64_t l = 0; l < v.size(0); ++l) {
    if (!keep[static_cast<std::size_t>(l)]) continue;
    const double* row = v.data_ptr<double>() + l * v.size(1);
    double sum = 0;
    std::int64_t n = 0;
    for (std::int64_t k = 0; k < v.size(1); ++k) {
      if (std::isfinite(row[k])) {
        sum += row[k];
        ++n;
      }
    }
    if (n > 0) out.data_ptr<double>()[l] = sum / static_cast<double>(n);
  }
  return out;
}

at::Tensor masked(const at::Tensor& values, const std::vector<char>& keep) {
  at::Tensor out = values.to(at::kDouble).contiguous().clone();
  for (std::size_t l = 0; l < keep.size(); ++l) {
    if (!keep[l]) out.data_ptr<double>()[l] = kNan;
  }
  return out;
}

}  // namespace

std::map<std::string, at::Tensor> layer_summaries(const std::vector<AnalysisLayer>& layers,
                                                  const std::map<std::string, at::Tensor>& arrays,
                                                  const TimeDependence& time_dependence,
                                                  bool has_quant) {
  std::map<std::string, at::Tensor> out;
  const std::vector<char> all(layers.size(), 1);
  std::vector<char> quantizer;
  for (const auto& l : layers) quantizer.push_back(l.quantizer ? 1 : 0);

  const at::Tensor fp_min = get(arrays, "fp.min").to(at::kDouble);
  const at::Tensor fp_max = get(arrays, "fp.max").to(at::kDouble);
  out["layer.min"] = std::get<0>(fp_min.min(1));
  out["layer.max"] = std::get<0>(fp_max.max(1));
  out["layer.mean_range"] = finite_row_means(fp_max - fp_min, all);

  // |r| ranking and histogram of the headline statistic over the quantizer inputs.
  const TimeDependenceStat& head = time_dependence.stat(time_dependence.headline);
  std::vector<std::size_t> ranked;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    if (l < head.r.size() && head.considered[l] && std::isfinite(head.r[l])) ranked.push_back(l);
  }
  // Stable, so that layers of equal |r| keep the model's order.
  std::stable_sort(ranked.begin(), ranked.end(), [&](std::size_t a, std::size_t b) {
    return std::abs(head.r[a]) > std::abs(head.r[b]);
  });
  std::vector<std::int64_t> rank(layers.size(), -1);
  for (std::size_t i = 0; i < ranked.size(); ++i) rank[ranked[i]] = static_cast<std::int64_t>(i);
  out["layer.r_rank"] = at::tensor(rank, at::kLong);
  std::vector<std::int64_t> histogram(kPearsonHistogramBins, 0);
  for (std::size_t l : ranked) {
    // r = 1 belongs to the last bin, not one past it.
    const int bin =
        std::clamp(static_cast<int>(std::floor((head.r[l] + 1.0) / 2.0 * kPearsonHistogramBins)), 0,
                   kPearsonHistogramBins - 1);
    ++histogram[static_cast<std::size_t>(bin)];
  }
  out["pearson.histogram"] = at::tensor(histogram, at::kLong);
  out["pearson.histogram_edges"] = at::linspace(-1.0, 1.0, kPearsonHistogramBins + 1, at::kDouble);

  if (has_quant) {
    out["layer.mse_in"] = finite_row_means(get(arrays, "local.mse_in"), quantizer);
    out["layer.sqnr_in_db"] = finite_row_means(get(arrays, "local.sqnr_in_db"), quantizer);
    out["layer.clip_fraction"] = finite_row_means(get(arrays, "local.clip_fraction"), quantizer);
    out["layer.sqnr_out_db"] = finite_row_means(get(arrays, "local.sqnr_out_db"), quantizer);
    out["layer.sqnr_out_db_trajectory"] =
        finite_row_means(get(arrays, "trajectory.sqnr_out_db"), quantizer);
    const at::Tensor scale = get(arrays, "local.scale").to(at::kDouble);
    out["layer.scale_min"] = masked(std::get<0>(scale.min(1)), quantizer);
    out["layer.scale_max"] = masked(std::get<0>(scale.max(1)), quantizer);
  }
  return out;
}

}  // namespace tdq
