#pragma once
#include <cstdint>

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
};

// Samples `count` images in batches. Sample i starts from the same noise for a given seed whatever
// the batch size, so FP and quantized models (or two runs) can be compared image by image.
// Progress counts model evaluations (batches x steps).
at::Tensor generate_samples(UNetImpl& model, const NoiseSchedule& schedule,
                            const GenerateOptions& options, c10::Device device,
                            const ProgressFn& progress = {}, LayerHooks* hooks = nullptr);

}  // namespace tdq
