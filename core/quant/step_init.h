#pragma once
#include <cstdint>
#include <vector>

#include <ATen/Tensor.h>

#include "core/diffusion/noise_schedule.h"
#include "core/dist/dist_context.h"
#include "core/model/unet.h"
#include "core/quant/quantized_model.h"
#include "core/quant/tdq_fit.h"

namespace tdq {

// Initial activation steps for QAT (docs/method.md section 2, the released code's rule): one
// training batch is run `passes` times with random t; per quantizer the mean and std of each
// sample's input are averaged; signed grids get s0 = (|mean| + 3 std) / (n//2 - 1), inputs after
// SiLU s0 = (mean + 16 std) / (n - 1), with n = 2^bits - 1.
struct InitialSteps {
  std::vector<double> steps;  // one per slot, 0 for FP slots
  // (ours, for TDQ's time-aware start) the same rule applied to each sample's own statistics, at
  // that sample's t; empty for FP slots.
  std::vector<TimedScales> per_sample;
  std::int64_t samples_run = 0;  // samples this rank ran through the model (passes x its slice)
};
// Over the ranks of `dist` (a single process by default) the work is split, not repeated: every
// rank draws each pass's t and noise for the whole batch, as one process does, runs only its
// consecutive slice (batch_shard), and the per-sample moments are summed into one table in which
// every other rank's entries are zero, so every rank gets the one-process table and computes the
// same steps. DistError when a peer stops.
InitialSteps statistics_initial_steps(UNetImpl& model, const QuantizedModel& twin,
                                      const at::Tensor& batch, const NoiseSchedule& schedule,
                                      int passes, std::uint64_t seed,
                                      const DistContext& dist = DistContext{});

}  // namespace tdq
