// Frechet distance between two Gaussians of 2048-d features (Inception pool3 width): our symmetric
// route (two eigh of symmetric matrices) against the textbook one (general eigenvalues of the
// non-symmetric S1 S2, as sqrtm-based implementations do), in one run, as a ratio, with the values
// each gives. The covariances come from random features with correlated dimensions.
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

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t dim = argc > 1 ? std::atoll(argv[1]) : 2048;
  const std::int64_t samples = argc > 2 ? std::atoll(argv[2]) : 2 * dim;
  tdq::configure_threads(argc > 3 ? std::atoi(argv[3]) : 0);
  std::printf("Frechet distance, %lld-d, covariances of %lld samples, %d threads\n",
              static_cast<long long>(dim), static_cast<long long>(samples), at::get_num_threads());
  const tdq::GaussianStats a = random_stats(dim, samples, 1), b = random_stats(dim, samples, 2);
  // Warm-up on a small problem: LAPACK/OpenMP start-up is not part of either method.
  tdq::frechet_distance(random_stats(64, 128, 3), random_stats(64, 128, 4));

  tdq::FrechetResult ours, ours_prepared;
  double reference = 0;
  tdq::PreparedGaussian prepared;
  const double t_ours = seconds_of([&] { ours = tdq::frechet_distance(a, b); });
  const double t_prepare = seconds_of([&] { prepared = tdq::prepare_gaussian(a); });
  const double t_prepared = seconds_of([&] { ours_prepared = tdq::frechet_distance(prepared, b); });
  const double t_reference =
      seconds_of([&] { reference = tdq::frechet_distance_nonsymmetric(a, b); });
  std::printf("%-58s %8s %7s %18s\n", "method", "s", "ratio", "distance");
  std::printf("%-58s %8.2f %7.2f %18.9f\n", "symmetric: eigh(S1) + eigvalsh(S1^1/2 S2 S1^1/2)",
              t_ours, 1.0, ours.distance);
  std::printf("%-58s %8.2f %7.2f\n", "  prepare_gaussian: eigh(S1), once per reference", t_prepare,
              t_prepare / t_ours);
  std::printf("%-58s %8.2f %7.2f %18.9f\n", "  one comparison with a prepared reference",
              t_prepared, t_prepared / t_ours, ours_prepared.distance);
  std::printf("%-58s %8.2f %7.2f %18.9f\n", "non-symmetric: eigvals(S1 S2), general eigen solver",
              t_reference, t_reference / t_ours, reference);
  std::printf("relative difference %.3g; clamped eigenvalues %lld (most negative %.3g)\n",
              std::abs(ours.distance - reference) / std::abs(reference),
              static_cast<long long>(ours.clamped_eigenvalues), ours.most_negative_eigenvalue);
  return 0;
}
