#include "core/eval/frechet.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

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

// Eigenvalues and vectors of a symmetric matrix with negative eigenvalues clamped to 0 and counted.
std::pair<at::Tensor, at::Tensor> clamped_eigh(const at::Tensor& symmetric, FrechetResult& result) {
  auto [values, vectors] = at::linalg_eigh(0.5 * (symmetric + symmetric.t()));
  const at::Tensor negative = values.lt(0);
  const std::int64_t count = negative.sum().item<std::int64_t>();
  if (count > 0) {
    result.clamped_eigenvalues += count;
    result.most_negative_eigenvalue =
        std::min(result.most_negative_eigenvalue, values.min().item<double>());
  }
  return {values.clamp_min(0), vectors};
}

}  // namespace

FrechetResult frechet_distance(const GaussianStats& a, const GaussianStats& b) {
  check_compatible(a, b);
  const at::Tensor mu1 = a.mean.to(at::kDouble), mu2 = b.mean.to(at::kDouble);
  const at::Tensor s1 = a.cov.to(at::kDouble), s2 = b.cov.to(at::kDouble);
  FrechetResult result;
  const auto [w1, v1] = clamped_eigh(s1, result);
  const at::Tensor sqrt_s1 = (v1 * w1.sqrt().unsqueeze(0)).mm(v1.t());
  const at::Tensor m = sqrt_s1.mm(s2).mm(sqrt_s1);
  const auto [wm, vm] = clamped_eigh(m, result);
  (void)vm;
  const double trace_sqrt = wm.sqrt().sum().item<double>();
  result.mean_term = (mu1 - mu2).pow(2).sum().item<double>();
  result.trace_term = s1.trace().item<double>() + s2.trace().item<double>() - 2.0 * trace_sqrt;
  result.distance = result.mean_term + result.trace_term;
  return result;
}

double frechet_distance_nonsymmetric(const GaussianStats& a, const GaussianStats& b) {
  check_compatible(a, b);
  const at::Tensor s1 = a.cov.to(at::kDouble), s2 = b.cov.to(at::kDouble);
  const at::Tensor eigenvalues = at::real(at::linalg_eigvals(s1.mm(s2)));
  const double trace_sqrt = eigenvalues.clamp_min(0).sqrt().sum().item<double>();
  return (a.mean.to(at::kDouble) - b.mean.to(at::kDouble)).pow(2).sum().item<double>() +
         s1.trace().item<double>() + s2.trace().item<double>() - 2.0 * trace_sqrt;
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
