#pragma once
#include <cstdint>
#include <vector>

#include <ATen/Tensor.h>

#include "core/common/progress.h"
#include "core/diffusion/noise_schedule.h"
#include "core/diffusion/sampler.h"
#include "core/model/unet.h"
#include "core/quant/quantized_model.h"
#include "core/record/stream_record.h"

namespace tdq {

struct SideBySideOptions {
  std::int64_t count = 64;
  std::int64_t batch_size = 64;
  std::uint64_t seed = 0;
  SamplerConfig sampler;
  std::int64_t bins = 128;        // 0: ranges only
  std::int64_t keep_images = 64;  // final images kept for sample grids (the first ones)
  // Intermediate images for a step slider: x_t and the predicted x_0 of the first
  // `step_images` samples at every `step_image_every`-th step and the last one. -1: about ten
  // snapshots whatever the step count; 0: none. Memory: snapshots x step_images x 4 images.
  std::int64_t step_image_every = -1;
  std::int64_t step_images = 16;
  // The batches to record, [first_batch, end_batch) (end -1: to the last): a rank's share of a
  // multi-process run (core/dist/shard.h), with the noise one process gives those batches. Images
  // are kept by sample index, so a share that holds none of the first samples keeps none.
  std::int64_t first_batch = 0;
  std::int64_t end_batch = -1;
};

// x_t (before the step) and the predicted x_0 at one sampling step, FP and quantized trajectory
// (quant_* undefined without a twin); [<= step_images, C, H, W] on the CPU.
struct StepImages {
  std::int64_t step = 0, t = 0;
  at::Tensor fp_xt, fp_x0, quant_xt, quant_x0;
};

// The steps whose images are kept: every `every`-th and the last (every == -1: about ten).
std::vector<std::int64_t> step_image_indices(std::int64_t steps, std::int64_t every);

// A side-by-side sampling of the FP model and its quantized twin from the same initial noise and
// seeds (sample i starts from the noise `tdq sample --seed` gives it), recorded in three streams:
//   fp:         the FP model on its own trajectory;
//   local:      the twin fed the FP trajectory's x_t at every step (each step's own error);
//   trajectory: the twin on its own trajectory (the error accumulates).
// Without a twin only `fp` is recorded.
struct SideBySideRecord {
  std::vector<std::int64_t> timesteps;  // descending, step 0 first
  bool has_twin = false;
  StreamRecord fp, local, trajectory;
  // Per step, summed over samples: squared error of the predicted noise (local and trajectory mode)
  // and of x_t between the two trajectories (before the step), and the number of values summed.
  std::vector<double> eps_sq_local, eps_sq_trajectory, xt_sq;
  std::vector<std::int64_t> values;
  std::vector<std::int64_t> fallbacks;  // per step: twin forwards whose interval was a fallback
  // Final samples [<= keep_images, C, H, W] on the CPU: samples first_image, first_image + 1, ...
  at::Tensor fp_images, quant_images;
  std::int64_t first_image = 0;
  std::vector<StepImages> step_images;  // batch 0 only, steps of step_image_indices
  double seconds = 0;

  std::size_t accumulator_bytes() const { return fp.bytes() + local.bytes() + trajectory.bytes(); }
};

// `ranges`: one histogram range per layer (histogram_ranges); ignored entries when bins == 0.
// The sampler update mirrors run_sampler exactly (a test pins the FP images to generate_samples').
SideBySideRecord record_side_by_side(UNetImpl& model, QuantizedModel* twin,
                                     const NoiseSchedule& schedule,
                                     const SideBySideOptions& options,
                                     const std::vector<HistogramRange>& ranges,
                                     const ProgressFn& progress = {});

// Histogram ranges from a ranges-only record (bins == 0): each layer's min..max over all steps,
// widened by 5% on both sides so that most values of other samples still fall inside.
std::vector<HistogramRange> histogram_ranges(const StreamRecord& record);

}  // namespace tdq
