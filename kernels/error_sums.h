#pragma once
// One pass over a quantized layer's input, its quantizer's output and the FP model's input to the
// same layer at the same step: the recorder's error and clipping sums for the quantized twin's
// streams. As composed LibTorch ops (float64 copies, differences, squares and sums, each a pass
// and an allocation) they took 40 % of `tdq analyze --quant` (n 16, DDIM 20: 3.0 of 7.6 s).
#include <cstdint>

#include <ATen/Tensor.h>

#include "kernels/stats_chunks.h"

namespace tdq::kernels {

struct ErrorSums {
  double input_error = 0;        // sum of (input - reference)^2, differences in float64
  double output_error = 0;       // sum of (output - reference)^2
  double reference_squares = 0;  // sum of reference^2
  std::int64_t clipped = 0;      // values with |output - input| > clip_threshold, in float32
  std::int64_t count = 0;        // values seen
};

// `reference` undefined: no error sums. clip_threshold <= 0: no clipping count. The tensors share
// one shape. float32 CPU tensors take the fused loop (stats_chunks.h: the same bits for any thread
// count); others the reference.
ErrorSums error_sums(const at::Tensor& input, const at::Tensor& output, const at::Tensor& reference,
                     float clip_threshold, StatsThreads threads = StatsThreads::pool);
ErrorSums error_sums_reference(const at::Tensor& input, const at::Tensor& output,
                               const at::Tensor& reference, float clip_threshold);

}  // namespace tdq::kernels
