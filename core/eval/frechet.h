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
class GaussianAccumulator {
 public:
  // ConfigError when `features` is not 2-D or its width differs from the first batch.
  void add(const at::Tensor& features);
  std::int64_t count() const { return count_; }
  // ConfigError with fewer than 2 samples.
  GaussianStats stats() const;

 private:
  at::Tensor shift_, sum_, outer_;
  std::int64_t count_ = 0;
};

GaussianStats gaussian_stats(const at::Tensor& features);

struct FrechetResult {
  double distance = 0;    // |mu1 - mu2|^2 + tr S1 + tr S2 - 2 tr sqrt(S1^1/2 S2 S1^1/2)
  double mean_term = 0;   // |mu1 - mu2|^2
  double trace_term = 0;  // the rest
  // Eigenvalues of S1 and of S1^1/2 S2 S1^1/2 that round-off made negative, clamped to 0.
  std::int64_t clamped_eigenvalues = 0;
  double most_negative_eigenvalue = 0;  // 0 when none was clamped
};

// Symmetric route: sqrt(S1) from eigh(S1), then tr sqrt(M) from the eigenvalues of
// M = sqrt(S1) S2 sqrt(S1), which is symmetric PSD and has the eigenvalues of S1 S2, so
// tr sqrt(S1 S2) = tr sqrt(M) without the non-symmetric sqrtm of the usual implementation.
// Only M's eigenvalues are needed (eigvalsh, no eigenvectors), and sqrt(S1) depends on one side
// only: PreparedGaussian keeps it, so a run that compares many sample sets with one reference
// pays for one eigh in total and one eigvalsh per comparison.
// ConfigError when the dimensions differ.
struct PreparedGaussian {
  GaussianStats stats;
  at::Tensor sqrt_cov;  // symmetric square root of stats.cov, negative eigenvalues clamped
  std::int64_t clamped_eigenvalues = 0;
  double most_negative_eigenvalue = 0;
};
PreparedGaussian prepare_gaussian(const GaussianStats& stats);
FrechetResult frechet_distance(const PreparedGaussian& a, const GaussianStats& b);
FrechetResult frechet_distance(const GaussianStats& a, const GaussianStats& b);

// The textbook route for comparison (bench, tests): eigenvalues of the non-symmetric S1 S2 via a
// general eigen solver, tr sqrt = sum of sqrt of their real parts (clamped at 0).
double frechet_distance_nonsymmetric(const GaussianStats& a, const GaussianStats& b);

// Reference statistics as safetensors: float64 `mu` [D] and `sigma` [D, D] (pytorch-fid's names),
// metadata "count" plus `metadata`. Written atomically.
void write_gaussian_stats(const std::filesystem::path& file, const GaussianStats& stats,
                          const std::map<std::string, std::string>& metadata = {});
// FormatError naming the file when `mu` or `sigma` is missing or their shapes do not fit.
GaussianStats read_gaussian_stats(const std::filesystem::path& file,
                                  std::map<std::string, std::string>* metadata = nullptr);

}  // namespace tdq
