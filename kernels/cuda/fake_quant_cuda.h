#pragma once
// LibTorch glue of the fused CUDA fake-quant kernels, compiled only where LibTorch has CUDA and
// nvcc is found (TDQ_WITH_CUDA_KERNELS). kernels/fake_quant.cpp dispatches CUDA tensors here.
#include <ATen/Tensor.h>
#include <c10/core/Device.h>

#include "kernels/cuda/fake_quant_launch.h"
#include "kernels/fake_quant.h"

namespace tdq::kernels::cuda {

// Float32 CUDA tensors whose scale has at most kMaxSamples values.
bool handles(const at::Tensor& x, const at::Tensor& scale);

at::Tensor forward(const at::Tensor& x, const at::Tensor& scale, const GridConstants& grid);
FakeQuantGrads backward(const at::Tensor& grad_y, const at::Tensor& x, const at::Tensor& scale,
                        const GridConstants& grid, double grad_scale_factor);

// The faults (Fault bits) the forward kernels recorded on `device` since the last call, cleared;
// one device sync, none when no kernel ran there.
unsigned take_faults(c10::Device device);

}  // namespace tdq::kernels::cuda
