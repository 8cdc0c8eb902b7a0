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

void count_negative(const at::Tensor& values, std::int64_t& count, double& most_negative) {
  const std::int64_t n = values.lt(0).sum().item<std::int64_t>();
  if (n > 0) {
    count += n;
    most_negative = std::min(most_negative, values.min().item<double>());
  }
}

}  // namespace

PreparedGaussian prepare_gaussian(const GaussianStats& stats) {
  if (!stats.cov.defined()) throw ConfigError("Frechet distance: empty statistics");
  PreparedGaussian prepared;
  prepared.stats = stats;
  prepared.stats.mean = stats.mean.to(at::kDouble);
  prepared.stats.cov = stats.cov.to(at::kDouble);
  const at::Tensor s = prepared.stats.cov;
  auto [values, vectors] = at::linalg_eigh(0.5 * (s + s.t()));
  count_negative(values, prepared.clamped_eigenvalues, prepared.most_negative_eigenvalue);
  prepared.sqrt_cov = (vectors * values.clamp_min(0).sqrt().unsqueeze(0)).mm(vectors.t());
  return prepared;
}

FrechetResult frechet_distance(const PreparedGaussian& a, const GaussianStats& b) {
  check_compatible(a.stats, b);
  const at::Tensor s2 = b.cov.to(at::kDouble);
  FrechetResult result;
  result.clamped_eigenvalues = a.clamped_eigenvalues;
  result.most_negative_eigenvalue = a.most_negative_eigenvalue;
  const at::Tensor m = a.sqrt_cov.mm(s2).mm(a.sqrt_cov);
  const at::Tensor values = at::linalg_eigvalsh(0.5 * (m + m.t()));
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
  return frechet_distance(prepare_gaussian(a), b);
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
