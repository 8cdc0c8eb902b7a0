#include "kernels/float_sum.h"

namespace tdq::kernels {

__attribute__((target_clones("avx2", "default"))) float sum_floats(const float* values,
                                                                   std::int64_t n) {
  float total = 0.0f;
  for (std::int64_t i = 0; i < n; ++i) total += values[i];
  return total;
}

}  // namespace tdq::kernels
