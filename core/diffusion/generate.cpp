#include "core/diffusion/generate.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include "core/common/errors.h"

namespace tdq {

at::Tensor generate_samples(UNetImpl& model, const NoiseSchedule& schedule,
                            const GenerateOptions& options, c10::Device device,
                            const ProgressFn& progress, LayerHooks* hooks) {
  if (options.count < 1) throw ConfigError("--n must be positive");
  if (options.batch_size < 1) throw ConfigError("--batch must be positive");
  const auto& config = model.config();
  at::NoGradGuard no_grad;
  model.eval();
  const at::Tensor noise = seeded_noise(
      {options.count, config.in_channels, config.sample_size, config.sample_size}, options.seed, c10::kCPU);
  const std::int64_t steps = static_cast<std::int64_t>(sampling_timesteps(options.sampler, schedule.num_timesteps).size());
  const std::int64_t batches = (options.count + options.batch_size - 1) / options.batch_size;
  std::vector<at::Tensor> outputs;
  for (std::int64_t b = 0; b < batches; ++b) {
    const std::int64_t begin = b * options.batch_size;
    const std::int64_t size = std::min(options.batch_size, options.count - begin);
    auto denoise = [&](const at::Tensor& x, const at::Tensor& t) { return model.forward(x, t, hooks); };
    auto batch_progress = [&](const ProgressInfo& info) {
      return !progress || progress({b * steps + info.done, batches * steps, info.message});
    };
    outputs.push_back(run_sampler(denoise, schedule, options.sampler, noise.narrow(0, begin, size).to(device),
                                  options.seed + 1000003ULL * static_cast<std::uint64_t>(b + 1),
                                  batch_progress)
                          .to(c10::kCPU));
  }
  return at::cat(outputs, 0);
}

}  // namespace tdq
