#include "core/diffusion/noise_schedule.h"

#include <ATen/ATen.h>

#include "core/common/errors.h"

namespace tdq {

NoiseSchedule linear_schedule(std::int64_t num_timesteps, double beta_start, double beta_end) {
  if (num_timesteps < 2) throw ConfigError("num_timesteps must be at least 2");
  NoiseSchedule schedule;
  schedule.num_timesteps = num_timesteps;
  double product = 1.0;
  for (std::int64_t i = 0; i < num_timesteps; ++i) {
    const double beta = beta_start + (beta_end - beta_start) * static_cast<double>(i) /
                                         static_cast<double>(num_timesteps - 1);
    schedule.betas.push_back(beta);
    product *= 1.0 - beta;
    schedule.alphas_cumprod.push_back(product);
  }
  return schedule;
}

at::Tensor add_noise(const NoiseSchedule& schedule, const at::Tensor& x0, const at::Tensor& noise,
                     const at::Tensor& t) {
  const at::Tensor abar = at::tensor(schedule.alphas_cumprod, at::kDouble)
                              .to(x0.device())
                              .index_select(0, t.to(x0.device()).to(at::kLong))
                              .to(x0.scalar_type())
                              .view({-1, 1, 1, 1});
  return abar.sqrt() * x0 + (1 - abar).sqrt() * noise;
}

}  // namespace tdq
