#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/common/errors.h"
#include "core/quant/tdq_module.h"
#include "kernels/fake_quant.h"

namespace tdq {
namespace {

TEST(TdqModule, StartsWithinTheSpreadOfTheInitialIntervalForEveryStep) {
  for (double s0 : {0.0037, 0.037, 1.5}) {
    for (int depth : {1, 4, 6}) {
      TdqModuleOptions options;
      options.depth = depth;
      TdqModule module(options, s0);
      module->eval();
      const at::Tensor s = module->forward(at::arange(0, 1000));
      const double worst = (s / s0 - 1).abs().max().item<double>();
      EXPECT_LT(worst, 1.5 * options.initial_spread) << "depth " << depth << " s0 " << s0;
      EXPECT_GT(worst, 0.2 * options.initial_spread) << "s(t) should not be flat at init";
      EXPECT_NEAR(s.mean().item<double>() / s0, 1.0, options.initial_spread);
    }
  }
  EXPECT_THROW(TdqModule(TdqModuleOptions{32, 64, 7}, 0.1), ConfigError);
  EXPECT_THROW(TdqModule(TdqModuleOptions{}, 0.0), ConfigError);
}

// The first version started the last Linear at weight zero: only that layer then had gradient, and
// s(t) stayed flat through short runs. Every layer must see gradient at the first step.
TEST(TdqModule, GradientReachesEveryLayerAtTheFirstStep) {
  TdqModule module(TdqModuleOptions{}, 0.05);
  module->train();
  (module->forward(at::tensor({10, 500, 990})) * at::tensor({1.0f, -2.0f, 0.5f})).sum().backward();
  for (const auto& item : module->named_parameters(true)) {
    ASSERT_TRUE(item.value().grad().defined()) << item.key();
    EXPECT_GT(item.value().grad().abs().max().item<double>(), 0.0) << item.key();
  }
}

TEST(TdqModule, ParameterNamesDoNotDependOnDropout) {
  // Saved runs name the last layer by its index in the MLP.
  TdqModuleOptions with_dropout;
  with_dropout.dropout = 0.2;
  std::vector<std::string> a, b;
  for (const auto& item : TdqModule(with_dropout, 0.1)->named_parameters(true))
    a.push_back(item.key());
  for (const auto& item : TdqModule(TdqModuleOptions{}, 0.1)->named_parameters(true))
    b.push_back(item.key());
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.back(), "mlp.7.bias");
}

TEST(TdqModule, ConstantTimestepControlIgnoresTime) {
  TdqModuleOptions options;
  options.constant_timestep = 500;
  TdqModule module(options, 0.1);
  module->eval();
  const at::Tensor s = module->forward(at::arange(0, 1000, 7));
  EXPECT_TRUE(at::equal(s, at::full_like(s, s[0].item<float>()))) << s;
}

TdqModule perturbed_module(double s0) {
  TdqModuleOptions options;
  options.encoding_dim = 8;
  options.hidden = 8;
  options.dropout = 0.0;
  TdqModule module(options, s0);
  torch::NoGradGuard no_grad;  // far from the init, so that s(t) really depends on t
  for (auto& p : module->parameters()) p.add_(at::randn_like(p) * 0.3);
  return module;
}

// Back-propagation through the MLP and softplus against central finite differences (double).
TEST(TdqModule, MlpGradientMatchesFiniteDifferences) {
  at::manual_seed(3);
  TdqModule module = perturbed_module(0.2);
  module->to(at::kDouble);
  const at::Tensor t = at::tensor({10, 500, 990});
  const at::Tensor weights = at::tensor({1.0, -2.0, 0.5}, at::kDouble);
  auto loss_of = [&] { return (module->forward(t) * weights).sum(); };
  loss_of().backward();
  at::Tensor first = module->parameters().front();  // first Linear's weight
  const double h = 1e-6;
  for (std::int64_t i : {0, 5, 17}) {
    const double analytic = first.grad().view(-1)[i].item<double>();
    double plus, minus;
    {
      torch::NoGradGuard no_grad;
      first.view(-1)[i] += h;
      plus = loss_of().item<double>();
      first.view(-1)[i] -= 2 * h;
      minus = loss_of().item<double>();
      first.view(-1)[i] += h;
    }
    EXPECT_NEAR(analytic, (plus - minus) / (2 * h), 1e-6) << "element " << i;
  }
}

// The interval is learned through the LSQ step-size gradient of the fake-quantized activation:
// d loss / d bias = sum_b (d loss / d s_b) * softplus'(z_b).
TEST(TdqModule, LsqGradientReachesTheMlpThroughSoftplus) {
  at::manual_seed(4);
  TdqModule module = perturbed_module(0.2);
  const at::Tensor t = at::tensor({10, 500, 990});
  const at::Tensor x = at::randn({3, 16}) * 2;
  const kernels::GridSpec grid{kernels::GridKind::Symmetric, 4};
  kernels::fake_quant(x, module->forward(t), grid).pow(2).sum().backward();
  const double analytic = module->parameters().back().grad().item<double>();  // last bias
  const at::Tensor s = module->forward(t).detach();
  const auto grads = kernels::fake_quant_backward_reference(
      2 * kernels::fake_quant_forward_reference(x, s, grid), x, s, grid, 1.0);
  const at::Tensor softplus_slope = at::sigmoid(at::log(at::expm1(s)));
  EXPECT_NEAR(analytic, (grads.grad_scale * softplus_slope).sum().item<double>(), 1e-4);
}

TEST(BakedIntervalTable, BakedValuesEqualTheMlpAndUnknownStepsFallBack) {
  TdqModuleOptions options;
  options.encoding_dim = 8;
  std::vector<TdqModule> modules;
  at::manual_seed(1);
  for (double s0 : {0.1, 0.5}) {
    modules.emplace_back(options, s0);
    torch::NoGradGuard no_grad;
    for (auto& p : modules.back()->parameters()) p.add_(at::randn_like(p) * 0.1);
  }
  const std::vector<std::int64_t> schedule = {900, 600, 300, 0};
  const BakedIntervalTable table(modules, schedule);
  EXPECT_EQ(table.table().sizes(), (std::vector<std::int64_t>{2, 4}));
  bool fell_back = true;
  for (std::size_t q = 0; q < 2; ++q) {
    modules[q]->eval();
    for (std::int64_t t : schedule) {
      const float direct = modules[q]->forward(at::full({1}, t, at::kLong)).item<float>();
      EXPECT_FLOAT_EQ(table.interval(modules, q, t, &fell_back), direct);
      EXPECT_FALSE(fell_back);
    }
  }
  const float off_schedule = table.interval(modules, 1, 450, &fell_back);
  EXPECT_TRUE(fell_back);
  EXPECT_FLOAT_EQ(off_schedule, modules[1]->forward(at::full({1}, 450, at::kLong)).item<float>());
  EXPECT_FALSE(table.contains(450));

  // Curves over many t in one query: the bake where it holds t, one MLP forward for the rest.
  const std::vector<std::int64_t> mixed = {0, 450, 900, 17, 600, 999};
  const std::vector<float> batched = table.intervals(modules, 1, mixed);
  ASSERT_EQ(batched.size(), mixed.size());
  for (std::size_t k = 0; k < mixed.size(); ++k)
    EXPECT_FLOAT_EQ(batched[k], table.interval(modules, 1, mixed[k], nullptr)) << mixed[k];
}

}  // namespace
}  // namespace tdq
