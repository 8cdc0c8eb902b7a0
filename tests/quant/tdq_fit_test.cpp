#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/optim/adamw.h>

#include <cmath>

#include "core/common/errors.h"
#include "core/quant/tdq_fit.h"
#include "core/quant/tdq_module.h"
#include "kernels/fake_quant.h"

namespace tdq {
namespace {

double ratio(TdqModule& module, std::int64_t high, std::int64_t low) {
  torch::NoGradGuard no_grad;
  module->eval();
  const at::Tensor s = module->forward(at::tensor({high, low}));
  return s[0].item<double>() / s[1].item<double>();
}

TEST(TdqFit, FollowsARampOfTargetIntervals) {
  TdqModule module(TdqModuleOptions{}, 0.05);
  TimedScales ramp;
  for (std::int64_t t = 0; t < 1000; t += 50) {
    ramp.timesteps.push_back(t);
    ramp.scales.push_back(0.05 * (1 + 3.0 * static_cast<double>(t) / 999));
  }
  const double rms = fit_tdq_module(module, ramp);
  EXPECT_LT(rms, 0.05);
  EXPECT_NEAR(ratio(module, 950, 0), ramp.scales.back() / ramp.scales.front(), 0.15);
}

TEST(TdqFit, RefusesTargetsThatCannotBeFitted) {
  TdqModule module(TdqModuleOptions{}, 0.05);
  EXPECT_THROW(fit_tdq_module(module, {}), ConfigError);
  EXPECT_THROW(fit_tdq_module(module, {{1, 2}, {0.1}}), ConfigError);
  EXPECT_THROW(fit_tdq_module(module, {{1}, {0.0}}), ConfigError);
  EXPECT_THROW(fit_tdq_module(module, {{1}, {NAN}}), ConfigError);
}

// The toy of the TDQ issue: a signal whose spread grows 9x over t, quantized at 4 bits with the
// interval from a TDQ MLP that starts static (s(t) = s0 of the whole range, the paper's start) and
// learns through the fake-quant gradient alone, as in QAT. A TDQ that cannot learn time ends flat.
TEST(TdqFit, AStaticStartLearnsATimeDependentSignal) {
  at::manual_seed(11);
  TdqModule module(TdqModuleOptions{}, 2.25 * 2.5 / 7);
  module->train();
  torch::optim::AdamW optimizer(module->parameters(),
                                torch::optim::AdamWOptions(1e-3).weight_decay(0.01));
  auto generator = at::make_generator<at::CPUGeneratorImpl>(3);
  const kernels::GridSpec grid{kernels::GridKind::Symmetric, 4};
  const double before = ratio(module, 999, 0);
  module->train();
  for (int step = 0; step < 300; ++step) {
    const at::Tensor t = at::randint(1000, {32}, generator, at::TensorOptions().dtype(at::kLong));
    const at::Tensor amplitude = 0.25 + t.to(at::kFloat) / 500;
    const at::Tensor x = at::randn({32, 256}, generator, at::TensorOptions().dtype(at::kFloat)) *
                         amplitude.view({-1, 1});
    optimizer.zero_grad();
    (kernels::fake_quant(x, module->forward(t), grid) - x).pow(2).mean().backward();
    optimizer.step();
  }
  const double after = ratio(module, 999, 0);
  EXPECT_LT(before, 1.05);
  EXPECT_GT(after, 3.0) << "s(999)/s(0) after training: " << after;
}

}  // namespace
}  // namespace tdq
