#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

#include "core/common/errors.h"
#include "core/diffusion/generate.h"
#include "core/diffusion/sampler.h"
#include "tests/support/tiny_models.h"

namespace tdq {
namespace {

TEST(NoiseSchedule, LinearBetasAndCumulativeProduct) {
  const NoiseSchedule s = linear_schedule();
  ASSERT_EQ(s.betas.size(), 1000u);
  EXPECT_DOUBLE_EQ(s.betas.front(), 1e-4);
  EXPECT_DOUBLE_EQ(s.betas.back(), 0.02);
  EXPECT_DOUBLE_EQ(s.alphas_cumprod[0], 1 - 1e-4);
  EXPECT_NEAR(s.alphas_cumprod[1], (1 - 1e-4) * (1 - (1e-4 + 0.0199 / 999)), 1e-15);
  EXPECT_NEAR(s.alphas_cumprod.back(), 4.0358e-5, 1e-8);  // DDPM's abar_T
  EXPECT_DOUBLE_EQ(s.alpha_bar(-1), 1.0);
}

TEST(NoiseSchedule, AddNoiseFollowsClosedForm) {
  const NoiseSchedule s = linear_schedule();
  const at::Tensor x0 = at::ones({2, 1, 2, 2});
  const at::Tensor noise = at::full({2, 1, 2, 2}, 2.0);
  const at::Tensor xt = add_noise(s, x0, noise, at::tensor({0, 999}));
  const double a0 = s.alphas_cumprod[0], a1 = s.alphas_cumprod[999];
  EXPECT_NEAR(xt[0][0][0][0].item<double>(), std::sqrt(a0) + 2 * std::sqrt(1 - a0), 1e-5);
  EXPECT_NEAR(xt[1][0][1][1].item<double>(), std::sqrt(a1) + 2 * std::sqrt(1 - a1), 1e-5);
}

TEST(SamplingTimesteps, UniformSkipDescendsFromTheLargestMultiple) {
  SamplerConfig config;
  config.steps = 100;
  const auto ts = sampling_timesteps(config, 1000);
  ASSERT_EQ(ts.size(), 100u);
  EXPECT_EQ(ts.front(), 990);
  EXPECT_EQ(ts.back(), 0);
  EXPECT_EQ(ts[1], 980);
  config.steps = 1000;
  EXPECT_EQ(sampling_timesteps(config, 1000).front(), 999);
}

TEST(SamplingTimesteps, QuadraticSkipIsStrictlyDecreasingAndDenseNearZero) {
  SamplerConfig config;
  config.steps = 50;
  config.skip = SkipKind::Quadratic;
  const auto ts = sampling_timesteps(config, 1000);
  ASSERT_EQ(ts.size(), 50u);
  for (std::size_t i = 1; i < ts.size(); ++i) EXPECT_LT(ts[i], ts[i - 1]);
  EXPECT_EQ(ts.back(), 0);
  EXPECT_LE(ts.front(), 800);
  EXPECT_LT(ts[48] - ts[49], ts[0] - ts[1]);
}

TEST(SamplingTimesteps, RejectsOutOfRangeStepCounts) {
  SamplerConfig config;
  config.steps = 0;
  EXPECT_THROW(sampling_timesteps(config, 1000), ConfigError);
  config.steps = 1001;
  EXPECT_THROW(sampling_timesteps(config, 1000), ConfigError);
  EXPECT_THROW(parse_sampler_kind("euler"), ConfigError);
}

// With a model that predicts the exact noise of a known x_0, DDIM recovers x_0 in any number of
// steps (the deterministic sampler is exact for a perfect eps-predictor).
TEST(Sampler, DdimRecoversTheDataPointOfAnOracle) {
  const NoiseSchedule s = linear_schedule();
  const at::Tensor x0 = at::full({1, 1, 2, 2}, 0.5);
  auto oracle = [&](const at::Tensor& x, const at::Tensor& t) {
    const double a = s.alphas_cumprod[t[0].item<int64_t>()];
    return (x - std::sqrt(a) * x0) / std::sqrt(1 - a);
  };
  SamplerConfig config;
  config.steps = 10;
  const at::Tensor out = run_sampler(oracle, s, config, at::randn({1, 1, 2, 2}), 1);
  EXPECT_TRUE(at::allclose(out, x0, 1e-4, 1e-4));
}

TEST(Sampler, ObserverSeesEveryStepAndCancelStops) {
  const NoiseSchedule s = linear_schedule();
  auto zero = [](const at::Tensor& x, const at::Tensor&) { return at::zeros_like(x); };
  SamplerConfig config;
  config.steps = 20;
  std::vector<int64_t> seen;
  run_sampler(zero, s, config, at::randn({1, 1, 2, 2}), 0, {},
              [&](const SamplerStep& step) { seen.push_back(step.t); });
  EXPECT_EQ(seen, sampling_timesteps(config, 1000));
  int calls = 0;
  auto cancel_at_5 = [&](const ProgressInfo&) { return ++calls < 5; };
  EXPECT_THROW(run_sampler(zero, s, config, at::randn({1, 1, 2, 2}), 0, cancel_at_5),
               CancelledError);
  EXPECT_EQ(calls, 5);
}

TEST(Generate, SameSeedGivesIdenticalSamplesAndBatchSizeDoesNotMatterForDdim) {
  UNet model(test::tiny_unet_config());
  const NoiseSchedule s = linear_schedule();
  GenerateOptions options;
  options.count = 5;
  options.batch_size = 5;
  options.sampler.steps = 8;
  options.seed = 42;
  const at::Tensor a = generate_samples(*model, s, options, c10::kCPU);
  const at::Tensor b = generate_samples(*model, s, options, c10::kCPU);
  EXPECT_TRUE(at::equal(a, b));
  options.batch_size = 2;
  // Same noise per sample; only the GEMM blocking (hence float rounding) depends on the batch, and
  // a random-init model amplifies it over the steps.
  const at::Tensor rebatched = generate_samples(*model, s, options, c10::kCPU);
  EXPECT_TRUE(at::allclose(a, rebatched, 1e-4, 1e-4)) << (a - rebatched).abs().max().item<double>();
  options.seed = 43;
  EXPECT_FALSE(at::allclose(a, generate_samples(*model, s, options, c10::kCPU)));
}

TEST(Generate, DdpmIsSeedDeterministicToo) {
  UNet model(test::tiny_unet_config());
  const NoiseSchedule s = linear_schedule(50);
  GenerateOptions options;
  options.count = 2;
  options.sampler.kind = SamplerKind::DDPM;
  options.sampler.steps = 50;
  options.seed = 7;
  EXPECT_TRUE(at::equal(generate_samples(*model, s, options, c10::kCPU),
                        generate_samples(*model, s, options, c10::kCPU)));
}

}  // namespace
}  // namespace tdq
