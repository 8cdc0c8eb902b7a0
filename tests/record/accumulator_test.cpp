// Accumulators, percentiles and Pearson against direct computation.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

#include "core/common/errors.h"
#include "core/record/histogram_percentile.h"
#include "core/record/layer_step_accumulator.h"
#include "core/record/pearson.h"
#include "kernels/fake_quant.h"

namespace tdq {
namespace {

constexpr std::int64_t kBins = 256;

TEST(LayerStepAccumulator, MatchesDirectComputationOverSeveralBatches) {
  at::manual_seed(3);
  const at::Tensor a = at::randn({4, 8, 6, 6}) * 2 + 0.5, b = at::randn({3, 8, 6, 6}) * 2 + 0.5;
  const HistogramRange range{-8, 9};
  LayerStepAccumulator acc;
  accumulate_range(acc, a, kBins, range, "test");
  accumulate_range(acc, b, kBins, range, "test");
  const LayerStepValues v = finalize(acc, range);
  const at::Tensor all = at::cat({a.flatten(), b.flatten()}).to(at::kDouble);
  EXPECT_EQ(acc.count, all.numel());
  EXPECT_DOUBLE_EQ(v.min, all.min().item<double>());
  EXPECT_DOUBLE_EQ(v.max, all.max().item<double>());
  EXPECT_DOUBLE_EQ(v.abs_max, all.abs().max().item<double>());
  EXPECT_NEAR(v.mean, all.mean().item<double>(), 1e-12);
  EXPECT_NEAR(v.std, all.std(/*unbiased=*/false).item<double>(), 1e-9);
  // Histogram percentiles are within one bin of the exact quantiles.
  const double width = (range.hi - range.lo) / kBins;
  EXPECT_NEAR(v.p001, at::quantile(all, 0.001).item<double>(), width);
  EXPECT_NEAR(v.p999, at::quantile(all, 0.999).item<double>(), width);
  std::int64_t total = 0;
  for (auto c : acc.histogram) total += c;
  EXPECT_EQ(total, all.numel());
}

TEST(LayerStepAccumulator, SingleValueAndConstantTensorAreExact) {
  const HistogramRange range{-1, 1};
  for (const at::Tensor& x :
       {at::full({1}, 0.37f), at::full({5, 7}, -0.25f), at::full({3}, 4.0f)}) {
    LayerStepAccumulator acc;
    accumulate_range(acc, x, 16, range, "test");
    const LayerStepValues v = finalize(acc, range);
    const double value = x.flatten()[0].item<double>();
    EXPECT_DOUBLE_EQ(v.min, value);
    EXPECT_DOUBLE_EQ(v.max, value);
    EXPECT_NEAR(v.mean, value, 1e-12);
    EXPECT_NEAR(v.std, 0.0, 1e-7);
    EXPECT_DOUBLE_EQ(v.p001, value);  // clamped to [min, max], also outside the histogram range
    EXPECT_DOUBLE_EQ(v.p999, value);
  }
}

TEST(LayerStepAccumulator, EmptyCellIsNaN) {
  const LayerStepValues v = finalize(LayerStepAccumulator{}, HistogramRange{});
  EXPECT_TRUE(std::isnan(v.min));
  EXPECT_TRUE(std::isnan(v.p999));
  EXPECT_TRUE(std::isnan(v.clip_fraction));
  EXPECT_TRUE(std::isnan(v.mse_in));
}

TEST(LayerStepAccumulator, NaNInputIsAnErrorNamingTheLayerAndStep) {
  at::Tensor x = at::randn({2, 3});
  x[1][2] = std::nanf("");
  LayerStepAccumulator acc;
  try {
    accumulate_range(acc, x, 8, HistogramRange{},
                     "layer mid_block.resnets.0.conv1 at step 7 (t=300, fp)");
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("mid_block.resnets.0.conv1"), std::string::npos) << what;
    EXPECT_NE(what.find("step 7"), std::string::npos) << what;
    EXPECT_NE(what.find("NaN"), std::string::npos) << what;
  }
}

TEST(LayerStepAccumulator, ClippingAndErrorsMatchDirectComputation) {
  at::manual_seed(5);
  const at::Tensor reference = at::randn({4, 16}) * 3;
  const at::Tensor input = reference + 0.1 * at::randn({4, 16});
  const double scale = 0.05;
  const kernels::GridSpec grid{kernels::GridKind::Symmetric, 6, 0,
                               0};  // q in [-30, 30]: range +-1.5
  const at::Tensor output =
      kernels::fake_quant_forward(input, at::full({}, static_cast<float>(scale)), grid);
  LayerStepAccumulator acc;
  accumulate_twin(acc, input, output, scale, reference, "test");
  const LayerStepValues v = finalize(acc, HistogramRange{});
  const double bound = grid.qmax() * scale + 0.5 * scale;
  const double expected_clip = (input.abs() > bound).sum().item<double>() / input.numel();
  EXPECT_GT(expected_clip, 0.2);
  EXPECT_DOUBLE_EQ(v.clip_fraction, expected_clip);
  const at::Tensor r = reference.to(at::kDouble);
  const double mse_in = (input.to(at::kDouble) - r).square().mean().item<double>();
  const double mse_out = (output.to(at::kDouble) - r).square().mean().item<double>();
  EXPECT_NEAR(v.mse_in, mse_in, 1e-12);
  EXPECT_NEAR(v.mse_out, mse_out, 1e-12);
  EXPECT_NEAR(v.sqnr_out_db, 10 * std::log10(r.square().mean().item<double>() / mse_out), 1e-9);
  EXPECT_DOUBLE_EQ(v.scale, scale);

  // The same rule holds for an asymmetric grid with a zero point the recorder never sees.
  const kernels::GridSpec asym{kernels::GridKind::Asymmetric, 4, 0, 3};  // q in [0, 15]: [-3s, 12s]
  const double s = 0.2;
  const at::Tensor out_asym =
      kernels::fake_quant_forward(input, at::full({}, static_cast<float>(s)), asym);
  LayerStepAccumulator acc_asym;
  accumulate_twin(acc_asym, input, out_asym, s, at::Tensor(), "test");
  const double lo = -3 * s - 0.5 * s, hi = 12 * s + 0.5 * s;
  const double expected =
      ((input < lo).logical_or(input > hi)).sum().item<double>() / input.numel();
  EXPECT_DOUBLE_EQ(finalize(acc_asym, HistogramRange{}).clip_fraction, expected);
}

TEST(HistogramPercentile, OuterBucketsSpanMinAndMax) {
  // 10 values below lo in [min, lo), nothing inside, 0 above: p50 lies halfway through [min, lo).
  const std::vector<std::int64_t> buckets = {10, 0, 0, 0, 0};
  EXPECT_DOUBLE_EQ(histogram_percentile(buckets, 0, 1, -4, -2, 0.5),
                   -4 + 0.5 * 4);  // clamped to max -2
  EXPECT_TRUE(std::isnan(histogram_percentile({0, 0, 0}, 0, 1, 0, 0, 0.5)));
  // Uniform counts over [0, 4): the median is 2.
  EXPECT_DOUBLE_EQ(histogram_percentile({0, 5, 5, 5, 5, 0}, 0, 4, 0, 3.99, 0.5), 2.0);
}

TEST(Pearson, HandCheckedCase) {
  // x = 1..5, y = 2, 4, 5, 4, 5: sxy = 6, sxx = 10, syy = 6; r = 6 / sqrt(60) = 0.7745967.
  const auto r = pearson({1, 2, 3, 4, 5}, {2, 4, 5, 4, 5});
  ASSERT_TRUE(r.has_value());
  EXPECT_NEAR(*r, 6.0 / std::sqrt(60.0), 1e-12);
  EXPECT_NEAR(*pearson({0, 1, 2}, {5, 3, 1}), -1.0, 1e-12);
}

TEST(Pearson, UndefinedCases) {
  EXPECT_FALSE(pearson({1, 2, 3}, {7, 7, 7}).has_value());  // constant range
  EXPECT_FALSE(pearson({1}, {2}).has_value());
  EXPECT_FALSE(pearson({1, 2}, {0, std::nan("")}).has_value());
  EXPECT_THROW(pearson({1, 2}, {1}), std::invalid_argument);
}

}  // namespace
}  // namespace tdq
