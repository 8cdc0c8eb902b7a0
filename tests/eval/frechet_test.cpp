#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <cmath>

#include "core/common/blas_threads.h"
#include "core/common/errors.h"
#include "core/common/runtime.h"
#include "core/eval/frechet.h"
#include "core/model/safetensors.h"
#include "tests/support/temp_dir.h"

namespace tdq {
namespace {

GaussianStats diagonal(std::vector<double> mean, std::vector<double> variances) {
  GaussianStats s;
  s.mean = at::tensor(mean, at::kDouble);
  s.cov = at::diag(at::tensor(variances, at::kDouble));
  s.count = 100;
  return s;
}

TEST(Frechet, DiagonalCovariancesMatchClosedForm) {
  const auto a = diagonal({0, 1, 2, 3}, {1, 4, 9, 0.25});
  const auto b = diagonal({1, 1, 0, 3}, {4, 1, 9, 1});
  // |mu1-mu2|^2 + sum (sqrt(a_i) - sqrt(b_i))^2
  const double expected = (1 + 0 + 4 + 0) + (1 + 1 + 0 + 0.25);
  const FrechetResult r = frechet_distance(a, b);
  EXPECT_NEAR(r.distance, expected, 1e-10);
  EXPECT_NEAR(r.mean_term, 5.0, 1e-12);
  EXPECT_NEAR(frechet_distance_nonsymmetric(a, b), expected, 1e-9);
}

TEST(Frechet, HandCheckedTwoByTwo) {
  // S1 = [[2,1],[1,2]] (eigenvalues 3, 1), S2 = I: tr sqrt(S1 S2) = sqrt(3) + 1,
  // FID = |(1,1)|^2 + 4 + 2 - 2 (sqrt(3) + 1) = 6 - 2 sqrt(3).
  GaussianStats a, b;
  a.mean = at::tensor({1.0, 0.0}, at::kDouble);
  a.cov = at::tensor({2.0, 1.0, 1.0, 2.0}, at::kDouble).view({2, 2});
  b.mean = at::tensor({0.0, 1.0}, at::kDouble);
  b.cov = at::eye(2, at::kDouble);
  const double expected = 2.0 + 6.0 - 2.0 * (std::sqrt(3.0) + 1.0);
  EXPECT_NEAR(frechet_distance(a, b).distance, expected, 1e-12);
  EXPECT_NEAR(frechet_distance(b, a).distance, expected, 1e-12);  // symmetric in its arguments
}

TEST(Frechet, PreparedReferenceGivesTheSameDistance) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(6);
  const GaussianStats a = gaussian_stats(
      at::randn({200, 16}, gen, at::kDouble).mm(at::randn({16, 16}, gen, at::kDouble)));
  const GaussianStats b = gaussian_stats(at::randn({200, 16}, gen, at::kDouble) + 0.5);
  const PreparedGaussian prepared = prepare_gaussian(a);
  EXPECT_NEAR(frechet_distance(prepared, b).distance, frechet_distance(a, b).distance, 1e-10);
  EXPECT_NEAR(frechet_distance(prepared, b).distance, frechet_distance_nonsymmetric(a, b), 1e-8);
  EXPECT_NEAR(frechet_distance(a, b).distance, frechet_distance(b, a).distance, 1e-8);
}

TEST(Frechet, IdenticalSetsGiveZero) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(3);
  const at::Tensor x =
      at::randn({500, 64}, gen, at::kFloat).mm(at::randn({64, 64}, gen, at::kFloat));
  const GaussianStats s = gaussian_stats(x);
  const FrechetResult r = frechet_distance(s, s);
  EXPECT_NEAR(r.distance, 0.0, 1e-6 * s.cov.trace().item<double>());
}

TEST(Frechet, RankDeficientCovarianceClampsAndReports) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(4);
  // 20 samples in 64 dimensions: the covariance has rank 19, so round-off gives tiny negative
  // eigenvalues that are clamped and counted.
  const GaussianStats a = gaussian_stats(at::randn({20, 64}, gen, at::kDouble));
  const GaussianStats b = gaussian_stats(at::randn({20, 64}, gen, at::kDouble));
  const FrechetResult r = frechet_distance(a, b);
  EXPECT_TRUE(std::isfinite(r.distance));
  EXPECT_GT(r.distance, 0.0);
  EXPECT_GT(r.clamped_eigenvalues, 0);
  EXPECT_LT(r.most_negative_eigenvalue, 0.0);
  EXPECT_GT(r.most_negative_eigenvalue, -1e-8);
}

// Random SPD covariances with correlated dimensions, as feature covariances are.
GaussianStats correlated_stats(std::int64_t dim, std::int64_t samples, std::uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const at::Tensor mixing = at::randn({dim, dim}, gen, at::kDouble) / std::sqrt(double(dim));
  return gaussian_stats(at::relu(at::randn({samples, dim}, gen, at::kDouble).mm(mixing) + 0.3));
}

double relative_difference(double value, double reference) {
  return std::abs(value - reference) / std::abs(reference);
}

// Sizes below, at and across the 256-wide blocks of the triangular product.
TEST(Frechet, CholeskyRouteMatchesTheTextbookRouteOnRandomSpdPairs) {
  for (const std::int64_t dim : {2, 17, 256, 300, 600}) {
    SCOPED_TRACE(dim);
    const GaussianStats a = correlated_stats(dim, 3 * dim, 10 + dim);
    const GaussianStats b = correlated_stats(dim, 3 * dim, 20 + dim);
    const PreparedGaussian prepared = prepare_gaussian(a);
    ASSERT_TRUE(prepared.cholesky.defined());
    EXPECT_FALSE(prepared.sqrt_cov.defined());
    const double textbook = frechet_distance_nonsymmetric(a, b);
    EXPECT_LT(relative_difference(frechet_distance(a, b).distance, textbook), 1e-10);
    EXPECT_LT(relative_difference(frechet_distance(prepared, b).distance, textbook), 1e-10);
    EXPECT_LT(relative_difference(frechet_distance(b, a).distance, textbook), 1e-10);
  }
}

TEST(Frechet, IdenticalInputsGiveZeroOnTheCholeskyRoute) {
  const GaussianStats a = correlated_stats(300, 900, 7);
  ASSERT_TRUE(prepare_gaussian(a).cholesky.defined());
  // sqrt of the eigenvalues of L^T S L = (L^T L)^2 are those of S: the trace terms cancel.
  EXPECT_NEAR(frechet_distance(a, a).distance, 0.0, 1e-10 * a.cov.trace().item<double>());
}

// A constant feature makes the covariance exactly singular: the Cholesky fails and the reference
// falls back to eigh; from scratch, the positive definite side is factored instead. Both agree
// with the textbook route. The tolerance is looser than for SPD pairs because tr sqrt is not
// differentiable at a zero eigenvalue: round-off of size eps |S| in it moves the square roots by
// sqrt(eps |S|), in every route (the textbook's included).
TEST(Frechet, SingularReferenceFallsBackAndAgreesWithTheTextbookRoute) {
  const std::int64_t dim = 40;
  auto gen = at::make_generator<at::CPUGeneratorImpl>(8);
  at::Tensor features =
      at::randn({400, dim}, gen, at::kDouble).mm(at::randn({dim, dim}, gen, at::kDouble));
  features.select(1, 5).fill_(2.0);
  const GaussianStats singular = gaussian_stats(features);
  const GaussianStats regular = correlated_stats(dim, 400, 9);
  const PreparedGaussian prepared = prepare_gaussian(singular);
  ASSERT_FALSE(prepared.cholesky.defined());
  ASSERT_TRUE(prepared.sqrt_cov.defined());
  const double textbook = frechet_distance_nonsymmetric(singular, regular);
  EXPECT_LT(relative_difference(frechet_distance(prepared, regular).distance, textbook), 1e-8);
  EXPECT_LT(relative_difference(frechet_distance(singular, regular).distance, textbook), 1e-8);
  EXPECT_LT(relative_difference(frechet_distance(regular, singular).distance, textbook), 1e-8);
  // Identical singular inputs: both sides fail the Cholesky, the eigh route gives 0.
  EXPECT_NEAR(frechet_distance(singular, singular).distance, 0.0,
              1e-6 * singular.cov.trace().item<double>());
}

TEST(GaussianStatsTest, StreamingEqualsOneShotAndSurvivesLargeOffsets) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(5);
  const at::Tensor x = at::randn({300, 8}, gen, at::kDouble) + 1e6;  // |mean| >> std
  GaussianAccumulator acc;
  for (std::int64_t i = 0; i < 300; i += 64)
    acc.add(x.slice(0, i, std::min<std::int64_t>(300, i + 64)));
  const GaussianStats streamed = acc.stats();
  const at::Tensor centred = x - x.mean(0);
  const at::Tensor cov = centred.t().mm(centred) / 299.0;
  EXPECT_EQ(streamed.count, 300);
  EXPECT_TRUE(at::allclose(streamed.mean, x.mean(0), 0, 1e-6));
  EXPECT_TRUE(at::allclose(streamed.cov, cov, 1e-9, 1e-9));
  EXPECT_THROW(acc.add(at::zeros({4, 9})), ConfigError);
  EXPECT_THROW(GaussianAccumulator().stats(), ConfigError);
}

TEST(GaussianStatsTest, SafetensorsRoundTripAndErrors) {
  test::TempDir dir;
  const auto a = diagonal({1, 2}, {3, 4});
  write_gaussian_stats(dir / "ref.safetensors", a, {{"source", "test"}});
  std::map<std::string, std::string> meta;
  const GaussianStats back = read_gaussian_stats(dir / "ref.safetensors", &meta);
  EXPECT_TRUE(at::equal(back.mean, a.mean));
  EXPECT_TRUE(at::equal(back.cov, a.cov));
  EXPECT_EQ(back.count, 100);
  EXPECT_EQ(meta.at("source"), "test");
  write_safetensors(dir / "bad.safetensors", {{"mu", at::zeros({3}, at::kDouble)}});
  try {
    read_gaussian_stats(dir / "bad.safetensors");
    FAIL();
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.safetensors"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("sigma"), std::string::npos) << e.what();
  }
  write_safetensors(dir / "shape.safetensors", {{"mu", at::zeros({3}, at::kDouble)},
                                                {"sigma", at::zeros({2, 2}, at::kDouble)}});
  EXPECT_THROW(read_gaussian_stats(dir / "shape.safetensors"), FormatError);
  EXPECT_THROW(frechet_distance(a, diagonal({1, 2, 3}, {1, 1, 1})), ConfigError);
}

// OpenBLAS (Debian's libtorch) runs on the calling thread except inside the Frechet code, whose
// D x D products and factorisations take every LibTorch thread (blas_threads.h).
TEST(BlasThreads, OneForTheNetworkEveryThreadForTheFrechetScope) {
  const int threads = at::get_num_threads();
  configure_threads(2);
  if (blas_threads() == 0) GTEST_SKIP() << "this BLAS offers no thread control";
  EXPECT_EQ(blas_threads(), 1);
  {
    const ScopedBlasThreads all;
    EXPECT_EQ(blas_threads(), 2);
    {
      const ScopedBlasThreads one(1);
      EXPECT_EQ(blas_threads(), 1);
    }
    EXPECT_EQ(blas_threads(), 2);
  }
  EXPECT_EQ(blas_threads(), 1);
  EXPECT_FALSE(set_blas_threads(0));
  EXPECT_EQ(blas_threads(), 1);
  configure_threads(threads);
}

}  // namespace
}  // namespace tdq
