#include "core/diffusion/sampler.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>

#include "core/common/errors.h"

namespace tdq {

SamplerKind parse_sampler_kind(const std::string& name) {
  if (name == "ddpm") return SamplerKind::DDPM;
  if (name == "ddim") return SamplerKind::DDIM;
  throw ConfigError("sampler.kind", name, "unknown sampler (use ddim or ddpm)");
}

SkipKind parse_skip_kind(const std::string& name) {
  if (name == "uniform") return SkipKind::Uniform;
  if (name == "quadratic") return SkipKind::Quadratic;
  throw ConfigError("sampler.skip", name, "unknown skip (use uniform or quadratic)");
}

std::string to_string(SamplerKind kind) { return kind == SamplerKind::DDPM ? "ddpm" : "ddim"; }
std::string to_string(SkipKind kind) { return kind == SkipKind::Uniform ? "uniform" : "quadratic"; }

std::vector<std::int64_t> sampling_timesteps(const SamplerConfig& config,
                                             std::int64_t num_timesteps) {
  const std::int64_t steps = config.steps;
  if (steps < 1 || steps > num_timesteps) {
    throw ConfigError("sampler.steps", std::to_string(steps),
                      "must be in 1.." + std::to_string(num_timesteps));
  }
  std::vector<std::int64_t> ts;
  if (config.skip == SkipKind::Uniform || steps == 1) {
    // Integer stride as in the DDIM code: floor(T / S) keeps t_k on the training grid.
    const std::int64_t stride = num_timesteps / steps;
    for (std::int64_t k = 0; k < steps; ++k) ts.push_back(k * stride);
  } else {
    const double top = std::sqrt(0.8 * static_cast<double>(num_timesteps));
    for (std::int64_t k = 0; k < steps; ++k) {
      const double v = top * static_cast<double>(k) / static_cast<double>(steps - 1);
      ts.push_back(static_cast<std::int64_t>(v * v));
    }
    // Squares of small values collide after flooring; keep the sequence strictly increasing.
    for (std::size_t k = 1; k < ts.size(); ++k) ts[k] = std::max(ts[k], ts[k - 1] + 1);
    if (ts.back() >= num_timesteps) throw ConfigError("quadratic skip: too many steps for T");
  }
  std::reverse(ts.begin(), ts.end());
  return ts;
}

at::Tensor seeded_noise(at::IntArrayRef shape, std::uint64_t seed, c10::Device device) {
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  return at::randn(shape, generator, at::TensorOptions().dtype(at::kFloat)).to(device);
}

at::Generator sampler_noise_generator(std::uint64_t seed) {
  return at::make_generator<at::CPUGeneratorImpl>(seed ^ 0x9e3779b97f4a7c15ULL);
}

double sampler_eta(SamplerKind kind) { return kind == SamplerKind::DDPM ? 1.0 : 0.0; }

SamplerUpdate sampler_update(const at::Tensor& x, at::Tensor eps, double a, double a_prev,
                             double eta, bool clip_x0, at::Generator& generator) {
  at::Tensor x0 = (x - std::sqrt(1 - a) * eps) / std::sqrt(a);
  if (clip_x0) {
    x0 = x0.clamp(-1, 1);
    eps = (x - std::sqrt(a) * x0) / std::sqrt(1 - a);  // keep eps consistent with the clipped x_0
  }
  const double sigma = eta * std::sqrt((1 - a_prev) / (1 - a) * (1 - a / a_prev));
  at::Tensor next =
      std::sqrt(a_prev) * x0 + std::sqrt(std::max(0.0, 1 - a_prev - sigma * sigma)) * eps;
  if (sigma > 0) {
    next =
        next +
        sigma *
            at::randn(x.sizes(), generator, at::TensorOptions().dtype(at::kFloat)).to(x.device());
  }
  return {next, eps, x0};
}

at::Tensor run_sampler(const DenoiseFn& model, const NoiseSchedule& schedule,
                       const SamplerConfig& config, const at::Tensor& x_T, std::uint64_t seed,
                       const ProgressFn& progress, const StepObserver& observer) {
  const auto ts = sampling_timesteps(config, schedule.num_timesteps);
  const double eta = sampler_eta(config.kind);
  at::Generator generator = sampler_noise_generator(seed);
  at::Tensor x = x_T;
  const auto batch = x.size(0);
  for (std::size_t k = 0; k < ts.size(); ++k) {
    const std::int64_t t = ts[k];
    const std::int64_t t_prev = k + 1 < ts.size() ? ts[k + 1] : -1;
    const at::Tensor t_batch =
        at::full({batch}, t, at::TensorOptions().dtype(at::kLong).device(x.device()));
    const at::Tensor eps = model(x, t_batch);
    if (!eps.sizes().equals(x.sizes())) throw Error("model output shape differs from its input");
    SamplerUpdate update = sampler_update(x, eps, schedule.alpha_bar(t), schedule.alpha_bar(t_prev),
                                          eta, config.clip_x0, generator);
    if (observer) observer(SamplerStep{static_cast<std::int64_t>(k), t, x, update.eps, update.x0});
    x = std::move(update.x_prev);
    report_progress(progress, {static_cast<std::int64_t>(k + 1),
                               static_cast<std::int64_t>(ts.size()), "t=" + std::to_string(t)});
  }
  return x;
}

}  // namespace tdq
