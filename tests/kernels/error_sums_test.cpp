#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <stdexcept>
#include <string>

#include "kernels/error_sums.h"

namespace tdq::kernels {
namespace {

void expect_near(const ErrorSums& fast, const ErrorSums& reference) {
  EXPECT_EQ(fast.count, reference.count);
  EXPECT_EQ(fast.clipped, reference.clipped);
  EXPECT_NEAR(fast.input_error, reference.input_error, 1e-12 * reference.input_error);
  EXPECT_NEAR(fast.output_error, reference.output_error, 1e-12 * reference.output_error);
  EXPECT_NEAR(fast.reference_squares, reference.reference_squares,
              1e-12 * reference.reference_squares);
}

// Sizes around the 8-lane loop and the chunk boundary, values on both sides of the clipping
// threshold: the fused loop agrees with the composed ops (counts exactly, sums to round-off).
TEST(ErrorSums, FusedMatchesTheComposedOps) {
  at::manual_seed(31);
  for (const std::int64_t n :
       std::initializer_list<std::int64_t>{1, 7, 8, 9, kStatsChunk - 1, kStatsChunk,
                                           kStatsChunk + 1, 3 * kStatsChunk + 5, 100003}) {
    SCOPED_TRACE("n = " + std::to_string(n));
    const at::Tensor reference = at::randn({n}) * 2;
    const at::Tensor input = reference + 0.1 * at::randn({n});
    const at::Tensor output = at::clamp(at::round(input / 0.1) * 0.1, -1.5, 1.5);
    const float threshold = static_cast<float>(0.5 * 0.1 * (1 + 1e-3));
    const ErrorSums fast = error_sums(input, output, reference, threshold);
    const ErrorSums composed = error_sums_reference(input, output, reference, threshold);
    expect_near(fast, composed);
    if (n > 1000) {
      EXPECT_GT(composed.clipped, 0);
    }
  }
}

TEST(ErrorSums, EachPartIsOptional) {
  const at::Tensor input = at::tensor({0.0f, 1.0f, -2.0f});
  const at::Tensor output = at::tensor({0.0f, 0.5f, -1.0f});
  const ErrorSums clipping_only = error_sums(input, output, at::Tensor(), 0.6f);
  EXPECT_EQ(clipping_only.clipped, 1);  // only |-1 - -2| = 1 > 0.6
  EXPECT_EQ(clipping_only.input_error, 0);
  EXPECT_EQ(clipping_only.count, 3);
  const ErrorSums errors_only = error_sums(input, output, at::zeros({3}), 0);
  EXPECT_EQ(errors_only.clipped, 0);
  EXPECT_DOUBLE_EQ(errors_only.input_error, 5.0);
  EXPECT_DOUBLE_EQ(errors_only.output_error, 1.25);
  EXPECT_DOUBLE_EQ(errors_only.reference_squares, 0.0);
}

// The recorder runs these on LibTorch's pool or on its worker thread: the same bits either way,
// and for non-contiguous inputs too.
TEST(ErrorSums, TheSameBitsForEveryThreadCountAndLayout) {
  at::manual_seed(32);
  const at::Tensor reference = at::randn({3 * 1024, 1024}) * 3 + 1;
  const at::Tensor input = reference + at::randn_like(reference);
  const at::Tensor output = at::round(input);
  const int threads_before = at::get_num_threads();
  at::set_num_threads(1);
  const ErrorSums one = error_sums(input, output, reference, 0.5f);
  at::set_num_threads(2);
  const ErrorSums two = error_sums(input, output, reference, 0.5f);
  const ErrorSums calling =
      error_sums(input, output, reference, 0.5f, StatsThreads::calling_thread);
  at::set_num_threads(threads_before);
  const ErrorSums transposed =
      error_sums(input.t().contiguous().t(), output, reference.t().contiguous().t(), 0.5f);
  for (const ErrorSums* other : {&two, &calling, &transposed}) {
    EXPECT_EQ(other->input_error, one.input_error);
    EXPECT_EQ(other->output_error, one.output_error);
    EXPECT_EQ(other->reference_squares, one.reference_squares);
    EXPECT_EQ(other->clipped, one.clipped);
  }
}

TEST(ErrorSums, OtherTypesGoThroughTheReferenceAndShapesMustAgree) {
  const at::Tensor input = at::randn({5, 4}, at::kDouble);
  const ErrorSums sums = error_sums(input, input * 2, input, 0.1f);
  EXPECT_NEAR(sums.output_error, input.square().sum().item<double>(), 1e-12);
  EXPECT_THROW(error_sums(at::zeros({4}), at::zeros({5}), at::Tensor(), 0.1f),
               std::invalid_argument);
  EXPECT_THROW(error_sums(at::zeros({4}), at::zeros({4}), at::zeros({2, 2}), 0.1f),
               std::invalid_argument);
}

}  // namespace
}  // namespace tdq::kernels
