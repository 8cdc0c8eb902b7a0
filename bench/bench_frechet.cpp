// Frechet distance between two Gaussians of 2048-d features (Inception pool3 width): our Cholesky
// route (cholesky(S1), L^T S2 L, eigvalsh) against the textbook one (general eigenvalues of the
// non-symmetric S1 S2) and against scipy's sqrtm route as pytorch-fid calls it
// (sqrtm(S1 S2): real Schur form by LAPACK's dgees, the triangular square root, Z R Z^T, trace), in
// one run: from scratch, and per comparison against a prepared reference (what each point of a
// `tdq fid` run costs), as ratios, with the relative difference of the distances. The covariances
// come from random features with correlated dimensions.
// Usage: bench_frechet [dim=2048] [samples=2*dim] [threads=all cores]
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <dlfcn.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <vector>

#include "core/common/blas_threads.h"
#include "core/common/runtime.h"
#include "core/eval/frechet.h"

namespace {

// LAPACK's real Schur factorisation, found at run time: Debian's LibTorch loads OpenBLAS, which
// carries LAPACK; a build whose BLAS does not export it skips the scipy route.
using Dgees = void(const char* jobvs, const char* sort, int (*select)(const double*, const double*),
                   const int* n, double* a, const int* lda, int* sdim, double* wr, double* wi,
                   double* vs, const int* ldvs, double* work, const int* lwork, int* bwork,
                   int* info, std::size_t jobvs_length, std::size_t sort_length);

Dgees* find_dgees() { return reinterpret_cast<Dgees*>(dlsym(RTLD_DEFAULT, "dgees_")); }

// Upper triangular square root R of an upper triangular T with a positive diagonal (R R = T), by
// the column recurrence of Bjorck and Hammarling that scipy's _sqrtm_triu also solves: column j
// from the bottom up, each solved entry subtracted from the rest of the column (contiguous axpys
// on column-major storage).
std::vector<double> triangular_sqrt(const std::vector<double>& t, int n) {
  std::vector<double> r(static_cast<std::size_t>(n) * n, 0.0), s(static_cast<std::size_t>(n));
  auto at = [n](int i, int j) { return static_cast<std::size_t>(j) * n + i; };
  for (int j = 0; j < n; ++j) r[at(j, j)] = std::sqrt(std::max(0.0, t[at(j, j)]));
  for (int j = 1; j < n; ++j) {
    for (int i = 0; i < j; ++i) s[i] = t[at(i, j)];
    const double rjj = r[at(j, j)];
    for (int k = j - 1; k >= 0; --k) {
      const double rkj = s[k] / (r[at(k, k)] + rjj);
      r[at(k, j)] = rkj;
      const double* column = &r[at(0, k)];
      for (int i = 0; i < k; ++i) s[i] -= column[i] * rkj;
    }
  }
  return r;
}

struct SqrtmRoute {
  double distance = 0;
  int complex_pairs = 0;  // 2x2 blocks of the real Schur form (scipy would go complex there)
};

// What pytorch-fid computes: covmean = sqrtm(S1 S2), distance = |mu1 - mu2|^2 + tr S1 + tr S2 -
// 2 tr covmean, with scipy's sqrtm (Schur form, triangular square root, back-transformation).
std::optional<SqrtmRoute> frechet_by_sqrtm(Dgees* dgees, const tdq::GaussianStats& a,
                                           const tdq::GaussianStats& b) {
  const tdq::ScopedBlasThreads blas;  // every thread, as our route gets
  const at::Tensor s1 = a.cov.to(at::kDouble), s2 = b.cov.to(at::kDouble);
  const int n = static_cast<int>(s1.size(0));
  // Row-major A^T is column-major A.
  const at::Tensor product = s1.mm(s2).t().contiguous();
  std::vector<double> t(product.data_ptr<double>(), product.data_ptr<double>() + product.numel());
  std::vector<double> z(t.size()), wr(static_cast<std::size_t>(n)), wi(static_cast<std::size_t>(n));
  int sdim = 0, info = 0, lwork = -1;
  double query = 0;
  dgees("V", "N", nullptr, &n, t.data(), &n, &sdim, wr.data(), wi.data(), z.data(), &n, &query,
        &lwork, nullptr, &info, 1, 1);
  lwork = static_cast<int>(query);
  std::vector<double> work(static_cast<std::size_t>(std::max(1, lwork)));
  dgees("V", "N", nullptr, &n, t.data(), &n, &sdim, wr.data(), wi.data(), z.data(), &n, work.data(),
        &lwork, nullptr, &info, 1, 1);
  if (info != 0) return std::nullopt;
  SqrtmRoute route;
  for (int i = 0; i + 1 < n; ++i)
    route.complex_pairs += t[static_cast<std::size_t>(i) * n + i + 1] != 0;
  const std::vector<double> r = triangular_sqrt(t, n);
  // A column-major buffer read as a row-major tensor is the transpose; .t() views it back.
  auto tensor = [n](const std::vector<double>& v) {
    return at::from_blob(const_cast<double*>(v.data()), {n, n}, at::kDouble).t();
  };
  const at::Tensor covmean = tensor(z).mm(tensor(r)).mm(tensor(z).t());
  route.distance = tdq::frechet_from_trace_sqrt(a, b, covmean.trace().item<double>());
  return route;
}

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
  Dgees* dgees = find_dgees();
  if (dgees) frechet_by_sqrtm(dgees, random_stats(64, 128, 3), random_stats(64, 128, 4));

  tdq::FrechetResult ours, ours_prepared;
  double textbook = 0;
  tdq::PreparedGaussian prepared;
  std::optional<SqrtmRoute> sqrtm;
  const double t_sqrtm = dgees ? seconds_of([&] { sqrtm = frechet_by_sqrtm(dgees, a, b); }) : 0;
  const double t_textbook =
      seconds_of([&] { textbook = tdq::frechet_distance_nonsymmetric(a, b); });
  const double t_ours = seconds_of([&] { ours = tdq::frechet_distance(a, b); });
  const double t_prepare = seconds_of([&] { prepared = tdq::prepare_gaussian(a); });
  const double t_prepared = seconds_of([&] { ours_prepared = tdq::frechet_distance(prepared, b); });

  std::printf("%-60s %8s %9s %20s\n", "method", "s", "speed-up", "distance");
  if (sqrtm) {
    std::printf("%-60s %8.3f %9.2f %20.10f\n", "scipy's route: sqrtm(S1 S2) by Schur form (dgees)",
                t_sqrtm, t_textbook / t_sqrtm, sqrtm->distance);
  } else {
    std::printf("scipy's route: skipped (%s)\n",
                dgees ? "dgees failed" : "LAPACK's dgees_ not found in this process");
  }
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
  if (sqrtm) {
    std::printf(
        "against scipy's sqrtm route: from scratch %.2fx, per comparison %.2fx; relative "
        "difference %.3g; 2x2 Schur blocks %d\n",
        t_sqrtm / t_ours, t_sqrtm / t_prepared, relative_difference(ours.distance, sqrtm->distance),
        sqrtm->complex_pairs);
  }
  return 0;
}
