// Frechet distance between two Gaussians of 2048-d features (Inception pool3 width): our Cholesky
// route (cholesky(S1), L^T S2 L, eigvalsh) against the textbook one (general eigenvalues of the
// non-symmetric S1 S2, which is what sqrtm-based implementations pay for), in one run: from
// scratch, and per comparison against a prepared reference (what each point of a `tdq fid` run
// costs), as ratios, with the relative difference of the distances. The covariances come from
// random features with correlated dimensions.
// Usage: bench_frechet [dim=2048] [samples=2*dim] [threads=all cores]
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>

#include "core/common/runtime.h"
#include "core/eval/frechet.h"

namespace {

double seconds_of(const std::function<void()>& body) {
  const auto start = std::chrono::steady_clock::now();
  body();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

tdq::GaussianStats random_stats(std::int64_t dim, std::int64_t samples, std::uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const at::Tensor mixing =
      at::randn({dim, dim}, gen, at::kDouble) / std::sqrt(static_cast<double>(dim));
  const at::Tensor x = at::relu(at::randn({samples, dim}, gen, at::kDouble).mm(mixing) + 0.3);
  return tdq::gaussian_stats(x);
}

double relative_difference(double value, double reference) {
  return std::abs(value - reference) / std::abs(reference);
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t dim = argc > 1 ? std::atoll(argv[1]) : 2048;
  const std::int64_t samples = argc > 2 ? std::atoll(argv[2]) : 2 * dim;
  tdq::configure_threads(argc > 3 ? std::atoi(argv[3]) : 0);
  std::printf("Frechet distance, %lld-d, covariances of %lld samples, float64, %d threads\n",
              static_cast<long long>(dim), static_cast<long long>(samples), at::get_num_threads());
  const tdq::GaussianStats a = random_stats(dim, samples, 1), b = random_stats(dim, samples, 2);
  // Warm-up on a small problem: LAPACK/OpenMP start-up is not part of either method.
  tdq::frechet_distance(random_stats(64, 128, 3), random_stats(64, 128, 4));
  tdq::frechet_distance_nonsymmetric(random_stats(64, 128, 3), random_stats(64, 128, 4));

  tdq::FrechetResult ours, ours_prepared;
  double textbook = 0;
  tdq::PreparedGaussian prepared;
  const double t_textbook =
      seconds_of([&] { textbook = tdq::frechet_distance_nonsymmetric(a, b); });
  const double t_ours = seconds_of([&] { ours = tdq::frechet_distance(a, b); });
  const double t_prepare = seconds_of([&] { prepared = tdq::prepare_gaussian(a); });
  const double t_prepared = seconds_of([&] { ours_prepared = tdq::frechet_distance(prepared, b); });

  std::printf("%-60s %8s %9s %20s\n", "method", "s", "speed-up", "distance");
  std::printf("%-60s %8.3f %9.2f %20.10f\n", "textbook: eigvals(S1 S2), general eigen solver",
              t_textbook, 1.0, textbook);
  std::printf("%-60s %8.3f %9.2f %20.10f\n", "ours from scratch: cholesky(S1), eigvalsh(L^T S2 L)",
              t_ours, t_textbook / t_ours, ours.distance);
  std::printf("%-60s %8.3f %9s\n", "  prepare_gaussian (Cholesky, once per reference)", t_prepare,
              "");
  std::printf("%-60s %8.3f %9.2f %20.10f\n", "  one comparison against a prepared reference",
              t_prepared, t_textbook / t_prepared, ours_prepared.distance);
  std::printf("route: %s; clamped eigenvalues %lld (most negative %.3g)\n",
              prepared.cholesky.defined() ? "cholesky" : "eigh fallback (S1 not positive definite)",
              static_cast<long long>(ours.clamped_eigenvalues), ours.most_negative_eigenvalue);
  std::printf("relative difference to the textbook route: from scratch %.3g, prepared %.3g\n",
              relative_difference(ours.distance, textbook),
              relative_difference(ours_prepared.distance, textbook));
  std::printf("speed-up from scratch %.2fx, per comparison %.2fx\n", t_textbook / t_ours,
              t_textbook / t_prepared);
  return 0;
}
