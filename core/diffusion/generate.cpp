#include "core/diffusion/generate.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

#include "core/common/errors.h"
#include "core/common/memory_budget.h"
#include "core/dist/shard.h"

namespace tdq {

namespace {

void check(const GenerateOptions& options) {
  if (options.count < 1) {
    throw ConfigError("generate.count", std::to_string(options.count), "must be positive");
  }
  if (options.batch_size < 1) {
    throw ConfigError("generate.batch_size", std::to_string(options.batch_size),
                      "must be positive");
  }
  requested_batches(options.first_batch, options.end_batch,
                    (options.count + options.batch_size - 1) / options.batch_size, "generate");
}

// Runs the sampler on each batch's initial noise (`noise_of(batch, begin, size)`), with the batch's
// own sampler seed, and hands the images on.
template <typename NoiseOf>
void sample_batches(UNetImpl& model, const NoiseSchedule& schedule, const GenerateOptions& options,
                    c10::Device device, const NoiseOf& noise_of, const SampleBatchFn& on_batch,
                    const ProgressFn& progress, LayerHooks* hooks) {
  at::NoGradGuard no_grad;
  model.eval();
  const auto steps =
      static_cast<std::int64_t>(sampling_timesteps(options.sampler, schedule.num_timesteps).size());
  const std::int64_t batches = (options.count + options.batch_size - 1) / options.batch_size;
  const std::int64_t end = options.end_batch < 0 ? batches : options.end_batch;
  for (std::int64_t b = options.first_batch; b < end; ++b) {
    const std::int64_t begin = b * options.batch_size;
    const std::int64_t size = std::min(options.batch_size, options.count - begin);
    auto denoise = [&](const at::Tensor& x, const at::Tensor& t) {
      return model.forward(x, t, hooks);
    };
    auto batch_progress = [&](const ProgressInfo& info) {
      return !progress || progress({(b - options.first_batch) * steps + info.done,
                                    (end - options.first_batch) * steps, info.message});
    };
    const at::Tensor noise = noise_of(begin, size);
    on_batch(run_sampler(denoise, schedule, options.sampler, noise.to(device),
                         batch_noise_seed(options.seed, b), batch_progress),
             begin);
  }
}

}  // namespace

at::Tensor generate_samples(UNetImpl& model, const NoiseSchedule& schedule,
                            const GenerateOptions& options, c10::Device device,
                            const ProgressFn& progress, LayerHooks* hooks) {
  check(options);
  const auto& config = model.config();
  // The initial noise and the images returned.
  require_memory(
      2 * image_bytes(options.count, config.in_channels, config.sample_size, config.sample_size),
      "generate.count", std::to_string(options.count), "the noise and the samples");
  const at::Tensor noise =
      seeded_noise({options.count, config.in_channels, config.sample_size, config.sample_size},
                   options.seed, c10::kCPU);
  std::vector<at::Tensor> outputs;
  sample_batches(
      model, schedule, options, device,
      [&](std::int64_t begin, std::int64_t size) { return noise.narrow(0, begin, size); },
      [&](const at::Tensor& images, std::int64_t) { outputs.push_back(images.to(c10::kCPU)); },
      progress, hooks);
  return at::cat(outputs, 0);
}

void for_each_sample_batch(UNetImpl& model, const NoiseSchedule& schedule,
                           const GenerateOptions& options, c10::Device device,
                           const SampleBatchFn& on_batch, const ProgressFn& progress,
                           LayerHooks* hooks) {
  check(options);
  const auto& config = model.config();
  // One generator drawn batch after batch gives the same numbers as generate_samples' single
  // draw of all the noise (the normal sampler fills whole 16-value blocks and an image is 1024
  // values; a test pins this down).
  auto generator = at::make_generator<at::CPUGeneratorImpl>(options.seed);
  const auto draw = [&](std::int64_t size) {
    return at::randn({size, config.in_channels, config.sample_size, config.sample_size}, generator,
                     at::TensorOptions().dtype(at::kFloat));
  };
  // A share that starts at batch b draws and drops the earlier batches' noise, batch by batch as
  // one process would, so the generator stands where it would (a draw is cheap next to sampling).
  for (std::int64_t b = 0; b < options.first_batch; ++b) draw(options.batch_size);
  sample_batches(
      model, schedule, options, device, [&](std::int64_t, std::int64_t size) { return draw(size); },
      on_batch, progress, hooks);
}

}  // namespace tdq
