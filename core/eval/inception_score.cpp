#include "core/eval/inception_score.h"

#include <ATen/ATen.h>

#include <cmath>
#include <vector>

#include "core/common/errors.h"

namespace tdq {

InceptionScore inception_score(const at::Tensor& probabilities, std::int64_t splits) {
  if (probabilities.dim() != 2 || probabilities.size(1) < 1) {
    throw ConfigError("Inception Score: probabilities have shape " +
                      c10::str(probabilities.sizes()) + ", expected [N, classes]");
  }
  const std::int64_t n = probabilities.size(0);
  if (splits < 1 || n < splits) {
    throw ConfigError("Inception Score: " + std::to_string(n) + " samples cannot be cut into " +
                      std::to_string(splits) + " splits");
  }
  const at::Tensor p = probabilities.detach().to(at::kCPU, at::kDouble);
  std::vector<double> scores;
  std::int64_t start = 0;
  for (std::int64_t k = 0; k < splits; ++k) {
    const std::int64_t size = n / splits + (k < n % splits ? 1 : 0);
    const at::Tensor part = p.slice(0, start, start + size);
    start += size;
    const at::Tensor marginal = part.mean(0, /*keepdim=*/true);
    // xlogy: 0 log 0 = 0, so one-hot predictions are fine.
    const at::Tensor kl = (at::xlogy(part, part) - at::xlogy(part, marginal)).sum(1).mean();
    scores.push_back(std::exp(kl.item<double>()));
  }
  InceptionScore result;
  result.splits = splits;
  for (double s : scores) result.mean += s;
  result.mean /= static_cast<double>(splits);
  for (double s : scores) result.std += (s - result.mean) * (s - result.mean);
  result.std = std::sqrt(result.std / static_cast<double>(splits));
  return result;
}

}  // namespace tdq
