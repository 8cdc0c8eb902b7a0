#pragma once
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <ATen/Tensor.h>

#include "kernels/stats_chunks.h"

namespace tdq {

// Histogram range of one layer: `bins` equal bins over [lo, hi), fixed for all steps of a record so
// that histograms of different steps (and of the FP and quantized streams) can be compared.
struct HistogramRange {
  double lo = -1, hi = 1;
};

// Everything recorded for one (layer, sampling step), summed over the samples of every batch.
// Fixed size: memory grows with layers x steps x bins, never with the number of samples.
struct LayerStepAccumulator {
  std::int64_t count = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  double sum = 0, sum_squares = 0;  // double: float sums of ~1e6 values lose digits
  // bins + 2 buckets: [0] below lo, [1 .. bins] inside, [bins + 1] at or above hi. Empty when the
  // record keeps no histogram (the edge pass).
  std::vector<std::int64_t> histogram;
  // Quantizer: values whose quantization error exceeds half a step (outside the grid's range
  // widened by s/2), over the values of layers with a known interval.
  std::int64_t clipped = 0, clip_count = 0;
  double scale = std::numeric_limits<double>::quiet_NaN();  // interval in use (step s) at this step
  // Against the FP model's input of the same layer and step: squared error of the quantized model's
  // layer input before (in) and after (out) fake quantization, and the FP signal energy (SQNR).
  double error_in = 0, error_out = 0, reference_squares = 0;
  std::int64_t error_count = 0;

  std::size_t bytes() const { return sizeof(*this) + histogram.capacity() * sizeof(std::int64_t); }
};

// Adds the finite values of `input` (min, max, sums, histogram). A NaN or infinite value is an
// Error naming `where` (layer, step, stream): a model that produces them has a bug worth seeing.
// `threads`: where the statistics run (the record is the same bits either way).
void accumulate_range(LayerStepAccumulator& acc, const at::Tensor& input, std::int64_t bins,
                      const HistogramRange& range, const std::string& where,
                      kernels::StatsThreads threads = kernels::StatsThreads::pool);

// The quantized twin's sums for one layer input, in one pass (kernels/error_sums.h):
// - with a `scale` (the quantizer's step; recorded as given): the values it clipped where it is
//   > 0, |output - input| > s/2 with a relative tolerance for float rounding. This works for every
//   grid (symmetric, unsigned, asymmetric with any zero point) because inside the grid's range
//   rounding moves a value by at most s/2, and only clipping moves it further;
// - with a defined `reference` (the FP model's input of the same shape): the squared errors of
//   `input` (quantizer input) and `output` (after fake quantization) against it.
// A shape mismatch is an Error naming `where`.
void accumulate_twin(LayerStepAccumulator& acc, const at::Tensor& input, const at::Tensor& output,
                     std::optional<double> scale, const at::Tensor& reference,
                     const std::string& where);

// The numbers of one (layer, step). Percentiles come from the histogram (NaN without one).
struct LayerStepValues {
  double min, max, abs_max, mean, std, p001, p999;
  double clip_fraction;       // NaN when the layer has no known interval
  double mse_in, sqnr_in_db;  // NaN without a reference; SQNR +inf when the error is 0
  double mse_out, sqnr_out_db;
  double scale;
};
LayerStepValues finalize(const LayerStepAccumulator& acc, const HistogramRange& range);

}  // namespace tdq
