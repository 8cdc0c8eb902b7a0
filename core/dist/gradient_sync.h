#pragma once
// Data-parallel training (core/quant/qat_trainer.cpp): every rank's gradients summed over the
// ranks before the optimizer step, so that each rank takes the same step from the same gradient.
#include <cstdint>
#include <vector>

#include <ATen/Tensor.h>

#include "core/dist/dist_context.h"

namespace tdq {

// Gradients travel in flat float32 buffers of about this size: one collective per bucket rather
// than one per tensor (a TDQ twin has hundreds of small tensors), without a second copy of every
// gradient at once.
constexpr std::int64_t kGradientBucketBytes = 16 << 20;

// Sums over ranks, in place, the gradients of `tensors` (float32 leaves), and `extras` (scalars
// every rank adds to the same step: its share of the loss, flags). A tensor with no gradient on
// some rank adds zeros there; it gets a gradient when any rank had one, and stays without one
// (skipped by the optimizer, as in one process) when none had. A no-op for a single process.
// DistError when a peer stops; ConfigError for a tensor that is not float32.
void all_reduce_gradients(const DistContext& dist, const std::vector<at::Tensor>& tensors,
                          std::vector<double>& extras,
                          std::int64_t bucket_bytes = kGradientBucketBytes);

}  // namespace tdq
