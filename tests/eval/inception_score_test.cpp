#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/common/errors.h"
#include "core/eval/inception_score.h"

namespace tdq {
namespace {

TEST(InceptionScoreTest, OneHotUniformClassesGiveTheClassCount) {
  // 1000 samples cycling through 10 classes: every split of 100 holds each class 10 times.
  const at::Tensor labels = at::arange(1000, at::kLong).remainder(10);
  const at::Tensor probs = at::one_hot(labels, 10).to(at::kFloat);
  const InceptionScore is = inception_score(probs, 10);
  EXPECT_NEAR(is.mean, 10.0, 1e-9);
  EXPECT_NEAR(is.std, 0.0, 1e-9);
  EXPECT_EQ(is.splits, 10);
}

TEST(InceptionScoreTest, IdenticalPredictionsGiveOne) {
  const at::Tensor probs = at::tensor({0.1f, 0.2f, 0.7f}).repeat({50, 1});
  EXPECT_NEAR(inception_score(probs, 10).mean, 1.0, 1e-9);
  const at::Tensor one_class = at::one_hot(at::zeros({40}, at::kLong), 5).to(at::kFloat);
  EXPECT_NEAR(inception_score(one_class, 4).mean, 1.0, 1e-12);
}

TEST(InceptionScoreTest, BadInputs) {
  EXPECT_THROW(inception_score(at::ones({5, 3}) / 3, 10),
               ConfigError);  // fewer samples than splits
  EXPECT_THROW(inception_score(at::ones({5}), 1), ConfigError);
}

}  // namespace
}  // namespace tdq
