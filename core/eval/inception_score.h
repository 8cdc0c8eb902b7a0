#pragma once
// Inception Score (Salimans et al. 2016): exp(E_x KL(p(y|x) || p(y))), computed per split and
// reported as mean and standard deviation over the splits, like the reference implementation.
#include <cstdint>

#include <ATen/Tensor.h>

namespace tdq {

struct InceptionScore {
  double mean = 0;
  double std = 0;  // population std over splits (numpy's default), as in the reference code
  std::int64_t splits = 0;
};

// `probabilities`: [N, C] softmax outputs, rows summing to 1. The N rows are cut into `splits`
// contiguous parts (the last ones one row shorter when N is not a multiple). ConfigError when the
// shape is wrong or N < splits.
InceptionScore inception_score(const at::Tensor& probabilities, std::int64_t splits = 10);

}  // namespace tdq
