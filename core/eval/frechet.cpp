#include "core/eval/frechet.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/common/blas_threads.h"
#include "core/common/errors.h"
#include "core/model/safetensors.h"

namespace tdq {

void GaussianAccumulator::add(const at::Tensor& features) {
  if (features.dim() != 2) {
    throw ConfigError("Gaussian statistics: features have shape " + c10::str(features.sizes()) +
                      ", expected [N, D]");
  }
  if (features.size(0) == 0) return;
  const at::Tensor x = features.detach().to(at::kCPU, at::kDouble);
  if (!shift_.defined()) {
    shift_ = x.mean(0);
    sum_ = at::zeros({x.size(1)}, x.options());
    outer_ = at::zeros({x.size(1), x.size(1)}, x.options());
  } else if (x.size(1) != shift_.size(0)) {
    throw ConfigError("Gaussian statistics: features have width " + std::to_string(x.size(1)) +
                      ", earlier batches had " + std::to_string(shift_.size(0)));
  }
  const at::Tensor centred = x - shift_;
  const ScopedBlasThreads blas;  // a D x D product per batch (blas_threads.h)
  sum_ += centred.sum(0);
  outer_.addmm_(centred.t(), centred);
  count_ += x.size(0);
}

GaussianStats GaussianAccumulator::stats() const {
  if (count_ < 2) {
    throw ConfigError("Gaussian statistics need at least 2 samples, got " + std::to_string(count_));
  }
  const double n = static_cast<double>(count_);
  const at::Tensor mean_offset = sum_ / n;
  GaussianStats s;
  s.count = count_;
  s.mean = shift_ + mean_offset;
  s.cov = (outer_ - n * at::outer(mean_offset, mean_offset)) / (n - 1.0);
  s.cov = 0.5 * (s.cov + s.cov.t());
  return s;
}

GaussianSums GaussianAccumulator::sums_around(const at::Tensor& shift) const {
  GaussianSums sums;
  sums.shift = shift.to(at::kCPU, at::kDouble);
  sums.count = count_;
  const std::int64_t dim = sums.shift.size(0);
  if (count_ == 0) {
    sums.sum = at::zeros({dim}, sums.shift.options());
    sums.outer = at::zeros({dim, dim}, sums.shift.options());
    return sums;
  }
  if (dim != shift_.size(0)) {
    throw ConfigError("Gaussian statistics: shift of width " + std::to_string(dim) +
                      " for features of width " + std::to_string(shift_.size(0)));
  }
  const at::Tensor d = shift_ - sums.shift;
  const double n = static_cast<double>(count_);
  sums.sum = sum_ + n * d;
  sums.outer = outer_ + at::outer(sum_, d) + at::outer(d, sum_) + n * at::outer(d, d);
  return sums;
}

GaussianAccumulator GaussianAccumulator::from_sums(const GaussianSums& sums) {
  GaussianAccumulator accumulator;
  accumulator.count_ = sums.count;
  if (sums.count == 0) return accumulator;
  accumulator.shift_ = sums.shift.to(at::kCPU, at::kDouble);
  accumulator.sum_ = sums.sum.to(at::kCPU, at::kDouble);
  accumulator.outer_ = sums.outer.to(at::kCPU, at::kDouble);
  return accumulator;
}

GaussianStats gaussian_stats(const at::Tensor& features) {
  GaussianAccumulator accumulator;
  accumulator.add(features);
  return accumulator.stats();
}

namespace {

void check_compatible(const GaussianStats& a, const GaussianStats& b) {
  if (!a.mean.defined() || !b.mean.defined())
    throw ConfigError("Frechet distance: empty statistics");
  if (a.mean.sizes() != b.mean.sizes() || a.cov.sizes() != b.cov.sizes()) {
    throw ConfigError("Frechet distance: statistics of different dimensions (mean " +
                      c10::str(a.mean.sizes()) + " vs " + c10::str(b.mean.sizes()) + ")");
  }
}

void count_negative(const at::Tensor& values, std::int64_t& count, double& most_negative) {
  const std::int64_t n = values.lt(0).sum().item<std::int64_t>();
  if (n > 0) {
    count += n;
    most_negative = std::min(most_negative, values.min().item<double>());
  }
}

}  // namespace

namespace {

// Lower factor of cov, or an undefined tensor when cov is not numerically positive definite.
at::Tensor cholesky_or_undefined(const at::Tensor& cov) {
  auto [factor, info] = at::linalg_cholesky_ex(cov, /*upper=*/false, /*check_errors=*/false);
  return info.item<std::int64_t>() == 0 ? factor : at::Tensor();
}

PreparedGaussian prepared_from(const GaussianStats& stats, at::Tensor cholesky) {
  PreparedGaussian prepared;
  prepared.stats = stats;
  prepared.stats.mean = stats.mean.to(at::kDouble);
  prepared.stats.cov = stats.cov.to(at::kDouble);
  prepared.cholesky = std::move(cholesky);
  return prepared;
}

PreparedGaussian prepared_by_eigh(PreparedGaussian prepared) {
  const at::Tensor s = prepared.stats.cov;
  auto [values, vectors] = at::linalg_eigh(0.5 * (s + s.t()));
  count_negative(values, prepared.clamped_eigenvalues, prepared.most_negative_eigenvalue);
  prepared.sqrt_cov = (vectors * values.clamp_min(0).sqrt().unsqueeze(0)).mm(vectors.t());
  return prepared;
}

// The lower triangle (in whole blocks) of L^T S L for a lower-triangular L and a symmetric S,
// which is all eigvalsh(.., "L") reads. Two general products would cost 4 n^3 flops; skipping the
// zero blocks of L and the upper blocks of the symmetric result leaves about n^3:
//   W = S L, block-lower part:  W[j0:, J] = S[j0:, j0:] L[j0:, J]   (L[m, J] = 0 for m < j0)
//   M = L^T W, block-lower:     M[I, :i1] = L[i0:, I]^T W[i0:, :i1]  (L[k, I] = 0 for k < i0)
// Blocks of 256 keep each product large enough for BLAS to run at full speed.
at::Tensor lower_congruence(const at::Tensor& l, const at::Tensor& s) {
  constexpr std::int64_t kBlock = 256;
  const std::int64_t n = l.size(0);
  at::Tensor w = at::zeros_like(s);
  at::Tensor m = at::zeros_like(s);
  for (std::int64_t j0 = 0; j0 < n; j0 += kBlock) {
    const std::int64_t j1 = std::min(n, j0 + kBlock);
    w.slice(0, j0).slice(1, j0, j1).copy_(
        s.slice(0, j0).slice(1, j0).mm(l.slice(0, j0).slice(1, j0, j1)));
  }
  for (std::int64_t i0 = 0; i0 < n; i0 += kBlock) {
    const std::int64_t i1 = std::min(n, i0 + kBlock);
    m.slice(0, i0, i1).slice(1, 0, i1).copy_(
        l.slice(0, i0).slice(1, i0, i1).t().mm(w.slice(0, i0).slice(1, 0, i1)));
  }
  return m;
}

}  // namespace

PreparedGaussian prepare_gaussian(const GaussianStats& stats) {
  if (!stats.cov.defined()) throw ConfigError("Frechet distance: empty statistics");
  const ScopedBlasThreads blas;  // factorisations of D x D (blas_threads.h)
  const at::Tensor cov = stats.cov.to(at::kDouble);
  at::Tensor factor = cholesky_or_undefined(0.5 * (cov + cov.t()));
  PreparedGaussian prepared = prepared_from(stats, factor);
  return factor.defined() ? prepared : prepared_by_eigh(std::move(prepared));
}

FrechetResult frechet_distance(const PreparedGaussian& a, const GaussianStats& b) {
  check_compatible(a.stats, b);
  const ScopedBlasThreads blas;
  const at::Tensor s2 = b.cov.to(at::kDouble);
  FrechetResult result;
  result.clamped_eigenvalues = a.clamped_eigenvalues;
  result.most_negative_eigenvalue = a.most_negative_eigenvalue;
  at::Tensor values;
  if (a.cholesky.defined()) {
    values = at::linalg_eigvalsh(lower_congruence(a.cholesky, 0.5 * (s2 + s2.t())), "L");
  } else {
    const at::Tensor m = a.sqrt_cov.mm(s2).mm(a.sqrt_cov);
    values = at::linalg_eigvalsh(0.5 * (m + m.t()));
  }
  count_negative(values, result.clamped_eigenvalues, result.most_negative_eigenvalue);
  const double trace_sqrt = values.clamp_min(0).sqrt().sum().item<double>();
  result.mean_term = (a.stats.mean - b.mean.to(at::kDouble)).pow(2).sum().item<double>();
  result.trace_term =
      a.stats.cov.trace().item<double>() + s2.trace().item<double>() - 2.0 * trace_sqrt;
  result.distance = result.mean_term + result.trace_term;
  return result;
}

FrechetResult frechet_distance(const GaussianStats& a, const GaussianStats& b) {
  check_compatible(a, b);
  const ScopedBlasThreads blas;
  // Every term is symmetric in a and b, so factor whichever covariance is positive definite.
  const at::Tensor cov_a = a.cov.to(at::kDouble), cov_b = b.cov.to(at::kDouble);
  at::Tensor factor = cholesky_or_undefined(0.5 * (cov_a + cov_a.t()));
  if (factor.defined()) return frechet_distance(prepared_from(a, factor), b);
  factor = cholesky_or_undefined(0.5 * (cov_b + cov_b.t()));
  if (factor.defined()) return frechet_distance(prepared_from(b, factor), a);
  return frechet_distance(prepared_by_eigh(prepared_from(a, at::Tensor())), b);
}

double frechet_distance_nonsymmetric(const GaussianStats& a, const GaussianStats& b) {
  check_compatible(a, b);
  const ScopedBlasThreads blas;
  const at::Tensor s1 = a.cov.to(at::kDouble), s2 = b.cov.to(at::kDouble);
  const at::Tensor eigenvalues = at::real(at::linalg_eigvals(s1.mm(s2)));
  return frechet_from_trace_sqrt(a, b, eigenvalues.clamp_min(0).sqrt().sum().item<double>());
}

double frechet_from_trace_sqrt(const GaussianStats& a, const GaussianStats& b, double trace_sqrt) {
  return (a.mean.to(at::kDouble) - b.mean.to(at::kDouble)).pow(2).sum().item<double>() +
         a.cov.to(at::kDouble).trace().item<double>() +
         b.cov.to(at::kDouble).trace().item<double>() - 2.0 * trace_sqrt;
}

void write_gaussian_stats(const std::filesystem::path& file, const GaussianStats& stats,
                          const std::map<std::string, std::string>& metadata) {
  std::map<std::string, std::string> meta = metadata;
  meta["count"] = std::to_string(stats.count);
  write_safetensors(
      file, {{"mu", stats.mean.to(at::kDouble)}, {"sigma", stats.cov.to(at::kDouble)}}, meta);
}

GaussianStats read_gaussian_stats(const std::filesystem::path& file,
                                  std::map<std::string, std::string>* metadata) {
  const SafetensorsFile st = read_safetensors(file);
  const auto mu = st.tensors.find("mu");
  const auto sigma = st.tensors.find("sigma");
  if (mu == st.tensors.end() || sigma == st.tensors.end()) {
    throw FormatError(file, "reference statistics need tensors 'mu' [D] and 'sigma' [D, D]");
  }
  const std::int64_t d = mu->second.dim() == 1 ? mu->second.size(0) : -1;
  if (d < 1 || sigma->second.dim() != 2 || sigma->second.size(0) != d ||
      sigma->second.size(1) != d) {
    throw FormatError(file, "'mu' has shape " + c10::str(mu->second.sizes()) + " and 'sigma' " +
                                c10::str(sigma->second.sizes()) + ", expected [D] and [D, D]");
  }
  GaussianStats stats;
  stats.mean = mu->second.to(at::kDouble);
  stats.cov = sigma->second.to(at::kDouble);
  const auto count = st.metadata.find("count");
  stats.count = count == st.metadata.end() ? 0 : std::atoll(count->second.c_str());
  if (metadata) *metadata = st.metadata;
  return stats;
}

}  // namespace tdq
