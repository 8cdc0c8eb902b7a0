// The fused fake-quant kernels for CUDA tensors: one pass per direction, float4 loads and stores
// where the runs allow it, no device sync. Built with --fmad=false (kernels/CMakeLists.txt): the
// CPU kernels and the reference round every operation on its own, and so must these for the
// results to match them bit for bit; `/` is IEEE division (nvcc's default -prec-div=true).
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>

#include "kernels/cuda/fake_quant_launch.h"

namespace tdq::kernels::cuda {
namespace {

constexpr int kThreads = 256;
// Enough blocks to keep every multiprocessor's memory queue full on the largest parts (132 SMs x
// 16 blocks of 256 threads), few enough that each thread loops over several vectors.
constexpr std::int64_t kMaxBlocks = 4096;

struct Runs {
  std::int64_t inner;  // elements per run (one scale value)
  bool vectorized;     // inner % 4 == 0 and every pointer 16-byte aligned
};

// Keeps NaN (fminf/fmaxf would replace it by a bound); the CPU kernel's std::min/std::max do the
// same.
__device__ __forceinline__ float clamp_keep_nan(float v, float lo, float hi) {
  const float low = v < lo ? lo : v;
  return hi < low ? hi : low;
}

__device__ __forceinline__ float quantize(float x, float s, const GridConstants& g) {
  const float v = (x - g.offset) / s + g.zero;
  const float q = rintf(clamp_keep_nan(v, g.qmin, g.qmax));  // half to even, as at::round
  return (q - g.zero) * s + g.offset;
}

// d y / d s times g, and grad_x: round(v) - v inside the range (STE through round), the clip
// bound minus zero outside it; grad_x is g inside, 0 outside.
__device__ __forceinline__ float step_gradient(float x, float g, float s, const GridConstants& c,
                                               float* gx) {
  const float v = (x - c.offset) / s + c.zero;
  const float clamped = clamp_keep_nan(v, c.qmin, c.qmax);
  const bool inside = v >= c.qmin && v <= c.qmax;
  *gx = inside ? g : 0.0f;
  return g * (inside ? rintf(clamped) - v : clamped - c.zero);
}

__device__ __forceinline__ unsigned nan_fault(float x) { return x != x ? kFaultNan : 0u; }

__global__ void forward_kernel(const float* __restrict__ x, const float* __restrict__ scale,
                               float* __restrict__ y, Runs runs, GridConstants g,
                               unsigned* faults) {
  const std::int64_t run = blockIdx.y;
  const float s = scale[run];
  const float* xs = x + run * runs.inner;
  float* ys = y + run * runs.inner;
  unsigned found = 0;
  if (blockIdx.x == 0 && threadIdx.x == 0 && !(s > 0.0f && isfinite(s))) found |= kFaultStep;
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  const std::int64_t first = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (runs.vectorized) {
    const float4* x4 = reinterpret_cast<const float4*>(xs);
    float4* y4 = reinterpret_cast<float4*>(ys);
    for (std::int64_t i = first; i < runs.inner / 4; i += stride) {
      const float4 a = x4[i];
      found |= nan_fault(a.x) | nan_fault(a.y) | nan_fault(a.z) | nan_fault(a.w);
      y4[i] = make_float4(quantize(a.x, s, g), quantize(a.y, s, g), quantize(a.z, s, g),
                          quantize(a.w, s, g));
    }
  } else {
    for (std::int64_t i = first; i < runs.inner; i += stride) {
      found |= nan_fault(xs[i]);
      ys[i] = quantize(xs[i], s, g);
    }
  }
  if (found) atomicOr(faults, found);
}

// Sum of one value per thread over the block, in double, in a fixed order.
__device__ double block_sum(double value) {
  __shared__ double warp_sums[kThreads / 32];
  for (int offset = 16; offset > 0; offset /= 2)
    value += __shfl_down_sync(0xffffffffu, value, offset);
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  if (lane == 0) warp_sums[warp] = value;
  __syncthreads();
  double total = 0.0;
  if (threadIdx.x == 0) {
    for (int w = 0; w < kThreads / 32; ++w) total += warp_sums[w];
  }
  __syncthreads();  // warp_sums may be reused by the caller's next block_sum
  return total;     // meaningful in thread 0 only
}

__global__ void backward_kernel(const float* __restrict__ x, const float* __restrict__ grad_y,
                                const float* __restrict__ scale, float* __restrict__ grad_x,
                                double* __restrict__ partial, Runs runs, GridConstants c) {
  const std::int64_t run = blockIdx.y;
  const float s = scale[run];
  const std::int64_t offset = run * runs.inner;
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  const std::int64_t first = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  double sum = 0.0;
  if (runs.vectorized) {
    const float4* x4 = reinterpret_cast<const float4*>(x + offset);
    const float4* g4 = reinterpret_cast<const float4*>(grad_y + offset);
    float4* gx4 = reinterpret_cast<float4*>(grad_x + offset);
    for (std::int64_t i = first; i < runs.inner / 4; i += stride) {
      const float4 a = x4[i], g = g4[i];
      float4 out;
      const float contribution =
          step_gradient(a.x, g.x, s, c, &out.x) + step_gradient(a.y, g.y, s, c, &out.y);
      const float more =
          step_gradient(a.z, g.z, s, c, &out.z) + step_gradient(a.w, g.w, s, c, &out.w);
      gx4[i] = out;
      sum += static_cast<double>(contribution) + static_cast<double>(more);
    }
  } else {
    for (std::int64_t i = first; i < runs.inner; i += stride) {
      float out;
      sum += static_cast<double>(step_gradient(x[offset + i], grad_y[offset + i], s, c, &out));
      grad_x[offset + i] = out;
    }
  }
  const double total = block_sum(sum);
  if (threadIdx.x == 0) partial[run * gridDim.x + blockIdx.x] = total;
}

__global__ void reduce_kernel(const double* __restrict__ partial, std::int64_t chunks,
                              float* __restrict__ grad_scale, double factor) {
  const std::int64_t run = blockIdx.x;
  double sum = 0.0;
  for (std::int64_t j = threadIdx.x; j < chunks; j += blockDim.x) sum += partial[run * chunks + j];
  const double total = block_sum(sum);
  if (threadIdx.x == 0) grad_scale[run] = static_cast<float>(total * factor);
}

bool aligned16(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 16 == 0; }

Runs runs_of(std::int64_t inner, std::initializer_list<const void*> pointers) {
  bool vectorized = inner % 4 == 0;
  for (const void* p : pointers) vectorized = vectorized && aligned16(p);
  return {inner, vectorized};
}

// Sized by float4 units whether or not the runs are vectorised, so that the backward launch and
// backward_chunks agree without knowing the pointers.
std::int64_t blocks_per_run(std::int64_t samples, std::int64_t inner) {
  const std::int64_t units = (inner + 3) / 4;
  const std::int64_t wanted = (units + kThreads - 1) / kThreads;
  const std::int64_t cap = std::max<std::int64_t>(1, kMaxBlocks / samples);
  return std::max<std::int64_t>(1, std::min(wanted, cap));
}

const char* launched() {
  const cudaError_t error = cudaGetLastError();
  return error == cudaSuccess ? nullptr : cudaGetErrorString(error);
}

}  // namespace

const char* launch_forward(const float* x, const float* scale, float* y, std::int64_t samples,
                           std::int64_t inner, GridConstants grid, unsigned* faults, void* stream) {
  if (samples <= 0 || inner <= 0) return nullptr;
  const Runs runs = runs_of(inner, {x, y});
  const dim3 blocks(static_cast<unsigned>(blocks_per_run(samples, inner)),
                    static_cast<unsigned>(samples));
  forward_kernel<<<blocks, kThreads, 0, static_cast<cudaStream_t>(stream)>>>(x, scale, y, runs,
                                                                             grid, faults);
  return launched();
}

std::int64_t backward_chunks(std::int64_t samples, std::int64_t inner) {
  return samples <= 0 || inner <= 0 ? 1 : blocks_per_run(samples, inner);
}

const char* launch_backward(const float* x, const float* grad_y, const float* scale, float* grad_x,
                            double* partial, float* grad_scale, double factor, std::int64_t samples,
                            std::int64_t inner, GridConstants grid, void* stream) {
  if (samples <= 0) return nullptr;
  const auto s = static_cast<cudaStream_t>(stream);
  const Runs runs = runs_of(inner, {x, grad_y, grad_x});
  const std::int64_t chunks = backward_chunks(samples, inner);
  if (inner > 0) {
    const dim3 blocks(static_cast<unsigned>(chunks), static_cast<unsigned>(samples));
    backward_kernel<<<blocks, kThreads, 0, s>>>(x, grad_y, scale, grad_x, partial, runs, grid);
  } else {
    const cudaError_t error =
        cudaMemsetAsync(partial, 0, static_cast<std::size_t>(samples * chunks) * sizeof(double), s);
    if (error != cudaSuccess) return cudaGetErrorString(error);
  }
  reduce_kernel<<<static_cast<unsigned>(samples), kThreads, 0, s>>>(partial, chunks, grad_scale,
                                                                    factor);
  return launched();
}

}  // namespace tdq::kernels::cuda
