#pragma once
// Launchers of the fused CUDA fake-quant kernels (fake_quant_kernels.cu) on raw device pointers:
// the .cu file includes no LibTorch header and the LibTorch glue (fake_quant_cuda.cpp) no CUDA
// one beyond c10's stream API, so each side compiles with its own compiler's defaults.
#include <cstdint>

namespace tdq::kernels::cuda {

// Every grid is v = (x - offset) / s + zero, q = round(clamp(v, qmin, qmax)),
// y = (q - zero) * s + offset, as in kernels/fake_quant_span.h.
struct GridConstants {
  float offset, zero, qmin, qmax;
};

// What a forward launch found wrong, OR-ed into a device word instead of thrown: throwing would
// need a device sync per layer. The caller reads the word once per model call.
enum Fault : unsigned { kFaultNan = 1u, kFaultStep = 2u };

// The layout: `samples` runs of `inner` contiguous elements, run b quantized with scale[b].
// `samples` is at most kMaxSamples (the grid's y dimension); callers fall back otherwise.
constexpr std::int64_t kMaxSamples = 65535;

// Each returns nullptr when the launch succeeded, else CUDA's error text. `stream` is a
// cudaStream_t.
const char* launch_forward(const float* x, const float* scale, float* y, std::int64_t samples,
                           std::int64_t inner, GridConstants grid, unsigned* faults, void* stream);

// How many partial sums of d(loss)/d(s) per sample the backward launch writes; `partial` holds
// samples * backward_chunks(samples, inner) doubles.
std::int64_t backward_chunks(std::int64_t samples, std::int64_t inner);

// grad_x (straight-through) and grad_scale[b] = factor * sum over run b of g * dy/ds, summed in a
// fixed order (deterministic for a given shape).
const char* launch_backward(const float* x, const float* grad_y, const float* scale, float* grad_x,
                            double* partial, float* grad_scale, double factor, std::int64_t samples,
                            std::int64_t inner, GridConstants grid, void* stream);

}  // namespace tdq::kernels::cuda
