#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <ATen/Tensor.h>
#include <ATen/core/Generator.h>

#include "core/common/progress.h"
#include "core/diffusion/noise_schedule.h"

namespace tdq {

enum class SamplerKind { DDPM, DDIM };
enum class SkipKind { Uniform, Quadratic };

struct SamplerConfig {
  SamplerKind kind = SamplerKind::DDIM;
  std::int64_t steps = 100;  // DDPM uses every step when steps == num_timesteps
  SkipKind skip = SkipKind::Uniform;
  bool clip_x0 = true;  // clamp the predicted x_0 to the data range [-1, 1]
};

SamplerKind parse_sampler_kind(const std::string& name);  // "ddpm" | "ddim"
SkipKind parse_skip_kind(const std::string& name);        // "uniform" | "quadratic"
std::string to_string(SamplerKind kind);
std::string to_string(SkipKind kind);

// Descending time steps visited by the sampler. Uniform: t_k = k * T / S (DDIM paper's skip);
// quadratic: t_k = floor((k * sqrt(0.8 T) / (S-1))^2) as in the DDIM code for CIFAR-10.
std::vector<std::int64_t> sampling_timesteps(const SamplerConfig& config,
                                             std::int64_t num_timesteps);

// What the sampler saw at one step, for recorders and step-by-step views.
struct SamplerStep {
  std::int64_t index = 0;  // 0 = first (noisiest) step
  std::int64_t t = 0;
  at::Tensor x_t, eps, x0;
};
using StepObserver = std::function<void(const SamplerStep&)>;

// eps-prediction network; t is [B] int64 on the same device as x.
using DenoiseFn = std::function<at::Tensor(const at::Tensor& x, const at::Tensor& t)>;

// Generalised DDIM step (eta = 0: DDIM, eta = 1: DDPM ancestral with the posterior variance).
// `x_T` is the initial noise; per-step noise for DDPM comes from a CPU generator seeded by `seed`
// so results are identical for a seed whatever the device.
at::Tensor run_sampler(const DenoiseFn& model, const NoiseSchedule& schedule,
                       const SamplerConfig& config, const at::Tensor& x_T, std::uint64_t seed,
                       const ProgressFn& progress = {}, const StepObserver& observer = {});

// The CPU generator run_sampler draws its per-step (DDPM) noise from for `seed`: a stream separate
// from the initial noise, so x_T is the same for DDIM and DDPM at one seed.
at::Generator sampler_noise_generator(std::uint64_t seed);

// One generalised DDIM step from x at alpha_bar `a` to `a_prev` (eta 0 for DDIM, 1 for DDPM),
// what run_sampler does at each step; side-by-side recorders step two trajectories with it.
struct SamplerUpdate {
  at::Tensor x_prev;  // the next (less noisy) x
  at::Tensor eps;     // consistent with the clipped x0 when clip_x0
  at::Tensor x0;
};
SamplerUpdate sampler_update(const at::Tensor& x, at::Tensor eps, double a, double a_prev,
                             double eta, bool clip_x0, at::Generator& generator);
double sampler_eta(SamplerKind kind);

// Standard normal noise [n, c, h, w] from a CPU generator seeded by `seed`, moved to `device`.
at::Tensor seeded_noise(at::IntArrayRef shape, std::uint64_t seed, c10::Device device);

}  // namespace tdq
