#pragma once
#include <cstdint>
#include <functional>

#include <ATen/Tensor.h>
#include <c10/core/Device.h>

#include "core/common/progress.h"
#include "core/diffusion/sampler.h"
#include "core/model/unet.h"

namespace tdq {

struct GenerateOptions {
  std::int64_t count = 64;
  std::int64_t batch_size = 64;
  std::uint64_t seed = 0;
  SamplerConfig sampler;
  // The batches to sample, [first_batch, end_batch) (end -1: to the last): a rank's share of a
  // multi-process run (core/dist/shard.h). Batch b is the same images whichever process samples
  // it: the initial noise of samples b * batch_size... and the sampler seed batch_noise_seed(seed,
  // b) do not depend on where sampling starts.
  std::int64_t first_batch = 0;
  std::int64_t end_batch = -1;
};

// The seed of the sampler's own noise (DDPM's, DDIM with eta > 0) for batch `batch` (0-based) of a
// sampling run seeded `seed`. `tdq sample`, the FID runs and the side-by-side recorder of
// `tdq analyze` all use it: "the same noise as `tdq sample`" (FP and quantized images compared
// one to one, an analyze run's grids equal to a sample grid) holds only while they share it.
inline std::uint64_t batch_noise_seed(std::uint64_t seed, std::int64_t batch) {
  return seed + 1000003ULL * static_cast<std::uint64_t>(batch + 1);
}

// Samples `count` images in batches. Sample i starts from the same noise for a given seed whatever
// the batch size, so FP and quantized models (or two runs) can be compared image by image.
// Progress counts model evaluations (batches x steps).
at::Tensor generate_samples(UNetImpl& model, const NoiseSchedule& schedule,
                            const GenerateOptions& options, c10::Device device,
                            const ProgressFn& progress = {}, LayerHooks* hooks = nullptr);

// Calls `on_batch(images, first_index)` for consecutive batches of `options.count` samples instead
// of returning them all, so memory does not grow with the count (FID runs of 50,000 samples). The
// images are those of generate_samples with the same options (same initial noise per sample, same
// sampler noise per batch).
using SampleBatchFn = std::function<void(const at::Tensor& images, std::int64_t first_index)>;
void for_each_sample_batch(UNetImpl& model, const NoiseSchedule& schedule,
                           const GenerateOptions& options, c10::Device device,
                           const SampleBatchFn& on_batch, const ProgressFn& progress = {},
                           LayerHooks* hooks = nullptr);

}  // namespace tdq
