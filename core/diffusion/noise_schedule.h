#pragma once
#include <cstdint>
#include <vector>

#include <ATen/Tensor.h>

namespace tdq {

// DDPM forward process q(x_t | x_0) with linear betas (docs/method.md section 1). Kept in double
// on the host so sampler coefficients do not lose precision near t = 0.
struct NoiseSchedule {
  std::int64_t num_timesteps = 1000;
  std::vector<double> betas;
  std::vector<double> alphas_cumprod;

  double alpha_bar(std::int64_t t) const { return t < 0 ? 1.0 : alphas_cumprod.at(t); }
};

NoiseSchedule linear_schedule(std::int64_t num_timesteps = 1000, double beta_start = 1e-4,
                              double beta_end = 0.02);

// x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps, per sample t ([B] int64).
at::Tensor add_noise(const NoiseSchedule& schedule, const at::Tensor& x0, const at::Tensor& noise,
                     const at::Tensor& t);

}  // namespace tdq
