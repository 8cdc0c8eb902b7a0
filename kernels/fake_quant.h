#pragma once
// Fake quantization (quantize then dequantize) with a straight-through estimator for round and the
// LSQ gradient for the step size (Esser et al. 2020), fused into one pass per direction.
#include <cstdint>
#include <string>

#include <ATen/Tensor.h>
#include <c10/core/Device.h>

namespace tdq::kernels {

// The integer grid a quantizer rounds onto (docs/method.md section 2). With n = 2^bits - 1:
//   Symmetric:  q in [-(n/2 - 1), n/2 - 1]      x^ = s * q             (4 bit: -6..6, the code's
//   default) Unsigned:   q in [0, n - 1]                 x^ = s * q + offset    (inputs after SiLU,
//   offset = -0.2785) Asymmetric: q in [0, 2^bits - 1]            x^ = s * (q - zero_point)
enum class GridKind { Symmetric, Unsigned, Asymmetric };

struct GridSpec {
  GridKind kind = GridKind::Symmetric;
  int bits = 8;
  double offset = 0.0;      // Unsigned grid: the input's lower bound m
  double zero_point = 0.0;  // Asymmetric grid: integer zero point
  std::int64_t qmin() const;
  std::int64_t qmax() const;
};

GridKind parse_grid_kind(const std::string& name);  // "symmetric" | "unsigned" | "asymmetric"
std::string to_string(GridKind kind);

// The SiLU minimum, the lower bound of every input that follows a SiLU.
constexpr double kSiluMinimum = -0.2784645427610738;

// y = fake_quant(x). `scale` holds one value (per tensor) or [B] (one step per sample along dim
// 0, as TDQ gives each sample of a mixed-timestep batch its own interval). float32 only.
at::Tensor fake_quant_forward(const at::Tensor& x, const at::Tensor& scale, const GridSpec& grid);

struct FakeQuantGrads {
  at::Tensor grad_x;      // STE: grad_y inside the clip range, 0 outside
  at::Tensor grad_scale;  // LSQ, same shape as scale, times `grad_scale_factor`
};
FakeQuantGrads fake_quant_backward(const at::Tensor& grad_y, const at::Tensor& x,
                                   const at::Tensor& scale, const GridSpec& grid,
                                   double grad_scale_factor);

// CUDA tensors run fused CUDA kernels where the build has them (cuda_kernels_built(): LibTorch with
// CUDA and nvcc found), else the composed reference. Those kernels cannot throw for a NaN input or
// a bad step without a device sync per layer: they record it on the device instead, and this
// throws the CPU kernel's error for what they recorded on `device` since the last call (one sync;
// nothing to do for the CPU or a build without them). QuantizedModel calls it once per model call.
bool cuda_kernels_built();
void throw_if_device_faults(c10::Device device);

// Reference versions from composed LibTorch ops, for tests and benchmarks.
at::Tensor fake_quant_forward_reference(const at::Tensor& x, const at::Tensor& scale,
                                        const GridSpec& grid);
FakeQuantGrads fake_quant_backward_reference(const at::Tensor& grad_y, const at::Tensor& x,
                                             const at::Tensor& scale, const GridSpec& grid,
                                             double grad_scale_factor);

// Autograd-aware fake quantization: gradients flow to x (STE) and to scale (LSQ, scaled by
// grad_scale_factor, e.g. 1/sqrt(n * numel)).
at::Tensor fake_quant(const at::Tensor& x, const at::Tensor& scale, const GridSpec& grid,
                      double grad_scale_factor = 1.0);

}  // namespace tdq::kernels
