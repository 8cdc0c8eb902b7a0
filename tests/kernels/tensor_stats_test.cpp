#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

#include "kernels/tensor_stats.h"

namespace tdq::kernels {
namespace {

TEST(TensorStats, HandCheckedValues) {
  const TensorStats s = tensor_stats(at::tensor({-2.0f, 0.0f, 1.0f, 5.0f}), 4, -2.0, 6.0);
  EXPECT_EQ(s.count, 4);
  EXPECT_DOUBLE_EQ(s.min, -2.0);
  EXPECT_DOUBLE_EQ(s.max, 5.0);
  EXPECT_DOUBLE_EQ(s.abs_max, 5.0);
  EXPECT_DOUBLE_EQ(s.mean, 1.0);
  EXPECT_DOUBLE_EQ(s.std, std::sqrt((9.0 + 1.0 + 0.0 + 16.0) / 4.0));
  // Bins of width 2: [-2,0) [0,2) [2,4) [4,6).
  EXPECT_EQ(s.histogram, (std::vector<std::int64_t>{1, 2, 0, 1}));
  EXPECT_EQ(s.below + s.above, 0);
}

TEST(TensorStats, OneValueConstantAndOutOfRange) {
  const TensorStats one = tensor_stats(at::tensor({3.5f}), 2, 0.0, 1.0);
  EXPECT_DOUBLE_EQ(one.mean, 3.5);
  EXPECT_DOUBLE_EQ(one.std, 0.0);
  EXPECT_EQ(one.above, 1);
  const TensorStats constant = tensor_stats(at::full({1000}, -0.25f), 0);
  EXPECT_DOUBLE_EQ(constant.min, -0.25);
  EXPECT_DOUBLE_EQ(constant.max, -0.25);
  EXPECT_NEAR(constant.std, 0.0, 1e-9);
  const TensorStats empty = tensor_stats(at::empty({0}), 0);
  EXPECT_EQ(empty.count, 0);
  EXPECT_TRUE(std::isnan(empty.mean));
}

TEST(TensorStats, NanAndInfAreCountedAndExcluded) {
  const TensorStats s =
      tensor_stats(at::tensor({1.0f, std::nanf(""), INFINITY, 3.0f}), 2, 0.0, 4.0);
  EXPECT_EQ(s.nan_count, 2);
  EXPECT_EQ(s.count, 2);
  EXPECT_DOUBLE_EQ(s.mean, 2.0);
  EXPECT_EQ(s.histogram, (std::vector<std::int64_t>{1, 1}));
}

TEST(TensorStats, FusedMatchesReferenceOnLargeRandomTensors) {
  at::manual_seed(5);
  const at::Tensor x = at::randn({8, 64, 17, 13}) * 3 + 0.5;
  const TensorStats fast = tensor_stats(x, 64, -6.0, 6.0);
  const TensorStats reference = tensor_stats_reference(x, 64, -6.0, 6.0);
  EXPECT_EQ(fast.count, reference.count);
  EXPECT_DOUBLE_EQ(fast.min, reference.min);
  EXPECT_DOUBLE_EQ(fast.max, reference.max);
  EXPECT_NEAR(fast.mean, reference.mean, 1e-9);
  EXPECT_NEAR(fast.std, reference.std, 1e-9);
  EXPECT_EQ(fast.histogram, reference.histogram);
  EXPECT_EQ(fast.below, reference.below);
  EXPECT_EQ(fast.above, reference.above);
}

TEST(TensorStats, RejectsAnEmptyHistogramRange) {
  EXPECT_THROW(tensor_stats(at::ones({3}), 4, 1.0, 1.0), std::invalid_argument);
  EXPECT_THROW(tensor_stats(at::ones({3}), -1), std::invalid_argument);
}

}  // namespace
}  // namespace tdq::kernels
