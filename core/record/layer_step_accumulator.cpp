#include "core/record/layer_step_accumulator.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "core/common/errors.h"
#include "core/record/histogram_percentile.h"
#include "kernels/error_sums.h"
#include "kernels/tensor_stats.h"

namespace tdq {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double sqnr_db(double signal, double noise) {
  if (noise == 0) return signal == 0 ? kNaN : std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(signal / noise);
}

}  // namespace

void accumulate_range(LayerStepAccumulator& acc, const at::Tensor& input, std::int64_t bins,
                      const HistogramRange& range, const std::string& where,
                      kernels::StatsThreads threads) {
  const kernels::TensorStats s =
      kernels::tensor_stats(input.detach(), bins, range.lo, range.hi, threads);
  if (s.nan_count > 0) {
    throw Error(where + ": " + std::to_string(s.nan_count) + " of " +
                std::to_string(input.numel()) + " input values are NaN or infinite");
  }
  if (s.count == 0) return;
  acc.count += s.count;
  acc.min = std::min(acc.min, s.min);
  acc.max = std::max(acc.max, s.max);
  acc.sum += s.sum;
  acc.sum_squares += s.sum_squares;
  if (bins > 0) {
    if (acc.histogram.empty()) acc.histogram.assign(static_cast<std::size_t>(bins) + 2, 0);
    acc.histogram.front() += s.below;
    acc.histogram.back() += s.above;
    for (std::size_t i = 0; i < s.histogram.size(); ++i) acc.histogram[i + 1] += s.histogram[i];
  }
}

void accumulate_twin(LayerStepAccumulator& acc, const at::Tensor& input, const at::Tensor& output,
                     std::optional<double> scale, const at::Tensor& reference,
                     const std::string& where) {
  if (!input.sizes().equals(output.sizes()) ||
      (reference.defined() && !input.sizes().equals(reference.sizes()))) {
    throw Error(where + ": quantized and FP inputs differ in shape");
  }
  if (scale) acc.scale = *scale;
  const bool clipping = scale && *scale > 0;
  if (!clipping && !reference.defined()) return;
  const float threshold = clipping ? static_cast<float>(0.5 * *scale * (1.0 + 1e-3)) : 0.0f;
  const kernels::ErrorSums sums =
      kernels::error_sums(input.detach(), output.detach(), reference, threshold);
  if (clipping) {
    acc.clipped += sums.clipped;
    acc.clip_count += sums.count;
  }
  if (reference.defined()) {
    acc.error_in += sums.input_error;
    acc.error_out += sums.output_error;
    acc.reference_squares += sums.reference_squares;
    acc.error_count += sums.count;
  }
}

LayerStepValues finalize(const LayerStepAccumulator& acc, const HistogramRange& range) {
  LayerStepValues v{};
  const bool any = acc.count > 0;
  const double n = static_cast<double>(acc.count);
  v.min = any ? acc.min : kNaN;
  v.max = any ? acc.max : kNaN;
  v.abs_max = any ? std::max(std::abs(acc.min), std::abs(acc.max)) : kNaN;
  v.mean = any ? acc.sum / n : kNaN;
  v.std = any ? std::sqrt(std::max(0.0, acc.sum_squares / n - v.mean * v.mean)) : kNaN;
  if (any && !acc.histogram.empty()) {
    v.p001 = histogram_percentile(acc.histogram, range.lo, range.hi, acc.min, acc.max, 0.001);
    v.p999 = histogram_percentile(acc.histogram, range.lo, range.hi, acc.min, acc.max, 0.999);
  } else {
    v.p001 = v.p999 = kNaN;
  }
  v.clip_fraction = acc.clip_count > 0
                        ? static_cast<double>(acc.clipped) / static_cast<double>(acc.clip_count)
                        : kNaN;
  if (acc.error_count > 0) {
    const double m = static_cast<double>(acc.error_count);
    v.mse_in = acc.error_in / m;
    v.mse_out = acc.error_out / m;
    v.sqnr_in_db = sqnr_db(acc.reference_squares, acc.error_in);
    v.sqnr_out_db = sqnr_db(acc.reference_squares, acc.error_out);
  } else {
    v.mse_in = v.mse_out = v.sqnr_in_db = v.sqnr_out_db = kNaN;
  }
  v.scale = acc.scale;
  return v;
}

}  // namespace tdq
