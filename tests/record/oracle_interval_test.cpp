#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/common/errors.h"
#include "core/record/oracle_interval.h"
#include "kernels/fake_quant.h"

namespace tdq {
namespace {

// Histograms over fixed edges of Gaussian samples whose spread is sigmas[k] at step k.
OracleInput gaussian_steps(const std::vector<double>& sigmas, const kernels::GridSpec& grid,
                           double mean = 0.0) {
  OracleInput input;
  input.grid = grid;
  const int bins = 256;
  const double lo = mean - 8, hi = mean + 8;
  for (int b = 0; b <= bins; ++b) input.edges.push_back(lo + (hi - lo) * b / bins);
  std::mt19937 random(7);
  for (double sigma : sigmas) {
    std::normal_distribution<double> normal(mean, sigma);
    std::vector<std::int64_t> histogram(bins + 2, 0);
    double min = 1e9, max = -1e9;
    for (int i = 0; i < 20000; ++i) {
      const double x = normal(random);
      min = std::min(min, x), max = std::max(max, x);
      const int b = x < lo    ? 0
                    : x >= hi ? bins + 1
                              : 1 + static_cast<int>((x - lo) / (hi - lo) * bins);
      ++histogram[static_cast<std::size_t>(std::min(b, bins + 1))];
    }
    input.histograms.push_back(histogram);
    input.step_min.push_back(min);
    input.step_max.push_back(max);
  }
  return input;
}

TEST(OracleInterval, FollowsTheSpreadOfEachStepAndGainsOverTheBestStaticInterval) {
  const kernels::GridSpec grid{kernels::GridKind::Symmetric, 4};
  const OracleInterval oracle = oracle_interval(gaussian_steps({0.25, 0.5, 1.0, 2.0}, grid));
  ASSERT_EQ(oracle.best_scale.size(), 4u);
  for (std::size_t k = 1; k < 4; ++k)
    EXPECT_NEAR(oracle.best_scale[k] / oracle.best_scale[k - 1], 2.0, 0.25) << "step " << k;
  EXPECT_GT(oracle.gain(), 0.2 * oracle.mse_static);
  for (std::size_t k = 0; k < 4; ++k)
    EXPECT_LE(oracle.oracle_mse[k], oracle.static_mse[k] * (1 + 1e-9));
  EXPECT_GT(oracle.static_scale, oracle.best_scale[0]);
  EXPECT_LT(oracle.static_scale, oracle.best_scale[3]);
}

TEST(OracleInterval, StepsThatLookAlikeLeaveNothingToGain) {
  const kernels::GridSpec grid{kernels::GridKind::Symmetric, 4};
  OracleInput input = gaussian_steps({1.0}, grid);
  for (int k = 0; k < 3; ++k) {
    input.histograms.push_back(input.histograms[0]);
    input.step_min.push_back(input.step_min[0]);
    input.step_max.push_back(input.step_max[0]);
  }
  const OracleInterval oracle = oracle_interval(input);
  EXPECT_NEAR(oracle.gain() / oracle.mse_static, 0.0, 1e-6);
  EXPECT_NEAR(oracle.static_scale / oracle.best_scale[2], 1.0, 1e-3);
}

// The error the oracle reports is the kernel's: quantize the points it stands for with
// fake_quant_forward_reference at s*(t) and compare, for the unsigned grid with the SiLU offset
// too. And no other interval does better (brute force over a fine grid).
TEST(OracleInterval, ErrorsAreTheKernelsAndTheIntervalIsOptimal) {
  for (const kernels::GridSpec grid :
       {kernels::GridSpec{kernels::GridKind::Symmetric, 4},
        kernels::GridSpec{kernels::GridKind::Unsigned, 4, kernels::kSiluMinimum, 0}}) {
    OracleInput input =
        gaussian_steps({0.7}, grid, grid.kind == kernels::GridKind::Unsigned ? 1.0 : 0.0);
    // Strip the outer buckets so that the points are exactly the bin points.
    auto& histogram = input.histograms[0];
    histogram.front() = histogram.back() = 0;
    const OracleInterval oracle = oracle_interval(input);
    std::vector<double> points, weights;
    for (std::size_t b = 0; b + 1 < input.edges.size(); ++b) {
      const double width = input.edges[b + 1] - input.edges[b];
      for (int k = 0; k < 4; ++k) {
        points.push_back(input.edges[b] + width * (k + 0.5) / 4);
        weights.push_back(static_cast<double>(histogram[b + 1]) / 4);
      }
    }
    const at::Tensor x = at::tensor(points, at::kDouble).to(at::kFloat);
    const at::Tensor w = at::tensor(weights, at::kDouble);
    auto kernel_mse = [&](double s) {
      const at::Tensor y =
          kernels::fake_quant_forward_reference(x, at::full({}, s, at::kFloat), grid);
      return ((y - x).to(at::kDouble).pow(2) * w).sum().item<double>() / w.sum().item<double>();
    };
    // float kernel vs the oracle's double arithmetic
    EXPECT_NEAR(kernel_mse(oracle.best_scale[0]) / oracle.oracle_mse[0], 1.0, 1e-4)
        << kernels::to_string(grid.kind);
    for (double s = 0.02; s < 1.5; s *= 1.01)
      EXPECT_GE(kernel_mse(s), oracle.oracle_mse[0] * (1 - 1e-3)) << "s " << s;
  }
}

TEST(OracleInterval, InconsistentInputIsAConfigError) {
  OracleInput input = gaussian_steps({1.0}, kernels::GridSpec{});
  input.step_min.clear();
  EXPECT_THROW(oracle_interval(input), ConfigError);
  input = gaussian_steps({1.0}, kernels::GridSpec{});
  input.histograms[0].pop_back();
  EXPECT_THROW(oracle_interval(input), ConfigError);
  input = gaussian_steps({1.0}, kernels::GridSpec{});
  std::fill(input.histograms[0].begin(), input.histograms[0].end(), 0);
  EXPECT_THROW(oracle_interval(input), ConfigError);
}

}  // namespace
}  // namespace tdq
