#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

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

// The fused kernel works in blocks of kStatsBlock values with 8 lanes; a block holding a NaN or an
// infinity is redone one value at a time. Sizes around both boundaries, non-finite values in some
// blocks only, values on bin edges and far outside the range must all agree with the reference.
TEST(TensorStats, FusedMatchesReferenceAcrossBlocksAndNonFiniteValues) {
  at::manual_seed(11);
  for (const std::int64_t n :
       {1LL, 7LL, 8LL, 9LL, 1023LL, 1024LL, 1025LL, 3 * 1024LL + 5, 100003LL}) {
    at::Tensor x = at::randn({n}) * 2;
    // Exact bin edges of [-4, 4) in 16 bins, the range's ends and values that overflow an int
    // when scaled into bins (of one sign mostly, so that the sums do not cancel).
    const float special[] = {-4.0f, 4.0f, -3.5f, 0.5f, 1e12f, -1e11f, 3.9999998f};
    for (std::int64_t i = 0; i < std::min<std::int64_t>(n, 7); ++i) x[i * (n / 7)] = special[i];
    if (n > 2048) {
      x[1500] = std::nanf("");
      x[1501] = -INFINITY;
    }
    if (n == 9) x[8] = INFINITY;  // in the tail after the 8-lane loop
    const TensorStats fast = tensor_stats(x, 16, -4.0, 4.0);
    const TensorStats reference = tensor_stats_reference(x, 16, -4.0, 4.0);
    SCOPED_TRACE("n = " + std::to_string(n));
    EXPECT_EQ(fast.count, reference.count);
    EXPECT_EQ(fast.nan_count, reference.nan_count);
    EXPECT_DOUBLE_EQ(fast.min, reference.min);
    EXPECT_DOUBLE_EQ(fast.max, reference.max);
    EXPECT_NEAR(fast.mean, reference.mean, 1e-9 * std::max(1.0, std::abs(reference.mean)));
    EXPECT_NEAR(fast.std, reference.std, 1e-9 * std::max(1.0, reference.std));
    EXPECT_EQ(fast.histogram, reference.histogram);
    EXPECT_EQ(fast.below, reference.below);
    EXPECT_EQ(fast.above, reference.above);
  }
}

// Partial sums are merged in range order, so the same input gives the same bits on every call.
TEST(TensorStats, FusedSumsAreTheSameBitsOnEveryCall) {
  at::manual_seed(12);
  const at::Tensor x = at::randn({16, 64, 32, 32}) * 5 + 1;
  const TensorStats first = tensor_stats(x, 32, -20.0, 20.0);
  for (int repeat = 0; repeat < 5; ++repeat) {
    const TensorStats again = tensor_stats(x, 32, -20.0, 20.0);
    EXPECT_EQ(again.sum, first.sum);
    EXPECT_EQ(again.sum_squares, first.sum_squares);
  }
}

// The recorder computes statistics on LibTorch's pool or on its worker thread, with whatever thread
// count the user chose: chunks are fixed and merged in order, so the record is the same bits.
TEST(TensorStats, SumsAreTheSameBitsForEveryThreadCountAndOnTheCallingThread) {
  at::manual_seed(13);
  const at::Tensor x = at::randn({3 * (std::int64_t{1} << 20) + 77}) * 7 + 2;
  const int threads_before = at::get_num_threads();
  at::set_num_threads(1);
  const TensorStats one = tensor_stats(x, 32, -20.0, 20.0);
  at::set_num_threads(2);
  const TensorStats two = tensor_stats(x, 32, -20.0, 20.0);
  const TensorStats calling = tensor_stats(x, 32, -20.0, 20.0, StatsThreads::calling_thread);
  at::set_num_threads(threads_before);
  for (const TensorStats* other : {&two, &calling}) {
    EXPECT_EQ(other->sum, one.sum);
    EXPECT_EQ(other->sum_squares, one.sum_squares);
    EXPECT_EQ(other->histogram, one.histogram);
    EXPECT_EQ(other->count, one.count);
  }
}

TEST(TensorStats, RejectsAnEmptyHistogramRange) {
  EXPECT_THROW(tensor_stats(at::ones({3}), 4, 1.0, 1.0), std::invalid_argument);
  EXPECT_THROW(tensor_stats(at::ones({3}), -1), std::invalid_argument);
}

}  // namespace
}  // namespace tdq::kernels
