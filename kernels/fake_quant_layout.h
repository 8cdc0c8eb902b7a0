#pragma once
// How a fake-quant input splits into runs that share a step: the CPU kernels (fake_quant.cpp) and
// the CUDA glue (cuda/fake_quant_cuda.cpp) both walk it this way.
#include <ATen/Tensor.h>

#include <cstdint>

namespace tdq::kernels {

struct Layout {
  std::int64_t samples;  // number of scale values
  std::int64_t inner;    // elements per scale value
};

// One run per tensor (a scalar step) or one per sample along dim 0 (scale [B]).
inline Layout layout_of(const at::Tensor& x, const at::Tensor& scale) {
  const std::int64_t samples = scale.numel() == 1 ? 1 : scale.size(0);
  return {samples, samples == 0 ? 0 : x.numel() / samples};
}

}  // namespace tdq::kernels
