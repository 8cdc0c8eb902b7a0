#pragma once
// Gaussian statistics of feature sets and the Frechet distance between them (FID when the features
// come from Inception's pool3; here also from the Fashion-MNIST feature network).
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include <ATen/Tensor.h>

namespace tdq {

// Mean [D] and unbiased covariance [D, D], float64, of `count` feature vectors.
struct GaussianStats {
  at::Tensor mean;
  at::Tensor cov;
  std::int64_t count = 0;
};

// Accumulates batches of [N, D] features in float64 without keeping them: memory is O(D^2)
// whatever the number of samples. The sums are taken around the first batch's mean so that
// cov = E[(x-k)(x-k)^T] - (E[x]-k)(E[x]-k)^T does not cancel catastrophically when |mean| >> std.
// An accumulator's sums around `shift`: sum of (x - shift), sum of (x - shift)(x - shift)^T.
struct GaussianSums {
  at::Tensor shift, sum, outer;  // float64 [D], [D], [D, D]
  std::int64_t count = 0;
};

class GaussianAccumulator {
 public:
  // ConfigError when `features` is not 2-D or its width differs from the first batch.
  void add(const at::Tensor& features);
  std::int64_t count() const { return count_; }
  // ConfigError with fewer than 2 samples.
  GaussianStats stats() const;

  // Disjoint sample sets merge by adding their sums around one common shift (sums and counts,
  // never means of means): the same sums in exact arithmetic as one accumulator fed every batch.
  // Moving the sums to `shift` is exact algebra, (x-k) = (x-s) + (s-k); at the own shift it adds
  // zeros and leaves the sums bit for bit. An empty accumulator gives zeros.
  GaussianSums sums_around(const at::Tensor& shift) const;
  const at::Tensor& shift() const { return shift_; }  // undefined before the first batch
  static GaussianAccumulator from_sums(const GaussianSums& sums);

 private:
  at::Tensor shift_, sum_, outer_;
  std::int64_t count_ = 0;
};

GaussianStats gaussian_stats(const at::Tensor& features);

struct FrechetResult {
  double distance = 0;    // |mu1 - mu2|^2 + tr S1 + tr S2 - 2 tr sqrt(S1 S2)
  double mean_term = 0;   // |mu1 - mu2|^2
  double trace_term = 0;  // the rest
  // Eigenvalues that round-off made negative, clamped to 0: those of M (below), and on the
  // fallback route also those of S1.
  std::int64_t clamped_eigenvalues = 0;
  double most_negative_eigenvalue = 0;  // 0 when none was clamped
};

// Cholesky route: with S1 = L L^T, M = L^T S2 L is symmetric PSD and similar to S1 S2
// (L^-1 S1 S2 L = L^T S2 L), so tr sqrt(S1 S2) = sum sqrt(eigenvalues of M): one Cholesky, one
// congruence product that exploits the triangle of L (about n^3 flops, half a general product)
// and one eigenvalues-only symmetric solve (eigvalsh), instead of a non-symmetric sqrtm or a full
// eigendecomposition. The factor depends on one side only: PreparedGaussian keeps it, so a run
// that compares many sample sets with one reference pays for the Cholesky once.
// Fallback: when S1 is not numerically positive definite (fewer samples than dimensions, a
// constant feature), its Cholesky fails; then the symmetric square root from eigh(S1) takes L's
// place (M = S1^1/2 S2 S1^1/2, same eigenvalues), exact but about 3x slower to prepare. No diagonal
// jitter is added: it would bias the distance on exactly the rank-deficient inputs that need it.
// From scratch, frechet_distance(a, b) factors whichever of S1, S2 is positive definite (the
// distance is symmetric) before falling back. ConfigError when the dimensions differ.
struct PreparedGaussian {
  GaussianStats stats;
  at::Tensor cholesky;  // lower L with stats.cov = L L^T; undefined on the fallback route
  at::Tensor sqrt_cov;  // fallback only: symmetric square root of stats.cov (eigh, clamped)
  std::int64_t clamped_eigenvalues = 0;  // of stats.cov, fallback route only
  double most_negative_eigenvalue = 0;
};
PreparedGaussian prepare_gaussian(const GaussianStats& stats);
FrechetResult frechet_distance(const PreparedGaussian& a, const GaussianStats& b);
FrechetResult frechet_distance(const GaussianStats& a, const GaussianStats& b);

// The textbook route for comparison (bench, tests): eigenvalues of the non-symmetric S1 S2 via a
// general eigen solver, tr sqrt = sum of sqrt of their real parts (clamped at 0), as sqrtm-based
// implementations (pytorch-fid's scipy.linalg.sqrtm) compute the same trace.
double frechet_distance_nonsymmetric(const GaussianStats& a, const GaussianStats& b);

// |mu_a - mu_b|^2 + tr S_a + tr S_b - 2 tr sqrt(S_a S_b), given that last trace: how the
// comparison routes (textbook, scipy's sqrtm in bench_frechet) finish.
double frechet_from_trace_sqrt(const GaussianStats& a, const GaussianStats& b, double trace_sqrt);

// Reference statistics as safetensors: float64 `mu` [D] and `sigma` [D, D] (pytorch-fid's names),
// metadata "count" plus `metadata`. Written atomically.
void write_gaussian_stats(const std::filesystem::path& file, const GaussianStats& stats,
                          const std::map<std::string, std::string>& metadata = {});
// FormatError naming the file when `mu` or `sigma` is missing or their shapes do not fit.
GaussianStats read_gaussian_stats(const std::filesystem::path& file,
                                  std::map<std::string, std::string>* metadata = nullptr);

}  // namespace tdq
