// The fused CUDA fake-quant kernels against the CPU kernel: the same results bit for bit (both
// round every operation on its own), the step gradient up to summation order, NaN inputs and bad
// steps reported by throw_if_device_faults instead of at the call. Skipped without a GPU or in a
// build without the kernels (they would compare the composed ops with the CPU kernel).
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/cuda.h>

#include <string>
#include <vector>

#include "kernels/fake_quant.h"

namespace tdq::kernels {
namespace {

const GridSpec kCudaGrids[] = {{GridKind::Symmetric, 4, 0.0, 0.0},
                               {GridKind::Symmetric, 8, 0.0, 0.0},
                               {GridKind::Unsigned, 4, kSiluMinimum, 0.0},
                               {GridKind::Asymmetric, 3, 0.0, 3.0}};

#define SKIP_WITHOUT_CUDA_KERNELS()                                   \
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device"; \
  if (!cuda_kernels_built()) GTEST_SKIP() << "built without the CUDA kernels"

// Inputs with exact ties (x / s = k + 0.5) and values beyond the clip range.
at::Tensor inputs_with_ties(const std::vector<std::int64_t>& shape, float step) {
  at::Tensor x = at::randn(shape) * 3;
  at::Tensor flat = x.view({-1});
  for (std::int64_t i = 0; i < flat.numel(); i += 7)
    flat[i] = step * (static_cast<float>(i % 9) - 4.5f);
  return x;
}

// A copy on the GPU; `misaligned`: a view one element into its storage, so not 16-byte aligned.
at::Tensor on_gpu(const at::Tensor& t, bool misaligned) {
  const at::Device gpu(at::kCUDA, 0);
  if (!misaligned) return t.to(gpu);
  const at::Tensor storage = at::cat({at::zeros({1}), t.reshape({-1})}).to(gpu);
  return storage.narrow(0, 1, t.numel()).view(t.sizes());
}

void expect_matches_cpu(const at::Tensor& x, const at::Tensor& scale, const GridSpec& grid,
                        const std::string& what, bool misaligned = false) {
  const at::Device gpu(at::kCUDA, 0);
  const at::Tensor grad_y = at::randn(x.sizes());
  const at::Tensor y = fake_quant_forward(on_gpu(x, misaligned), scale.to(gpu), grid);
  EXPECT_TRUE(at::equal(y.cpu(), fake_quant_forward(x, scale, grid))) << what;
  const FakeQuantGrads cpu = fake_quant_backward(grad_y, x, scale, grid, 0.5);
  const FakeQuantGrads cuda = fake_quant_backward(on_gpu(grad_y, misaligned), on_gpu(x, misaligned),
                                                  scale.to(gpu), grid, 0.5);
  EXPECT_TRUE(at::equal(cuda.grad_x.cpu(), cpu.grad_x)) << what;
  EXPECT_EQ(cuda.grad_scale.sizes(), scale.sizes()) << what;
  EXPECT_TRUE(at::allclose(cuda.grad_scale.cpu(), cpu.grad_scale, 1e-4, 1e-4))
      << what << "\n"
      << cuda.grad_scale << cpu.grad_scale;
  EXPECT_NO_THROW(throw_if_device_faults(gpu)) << what;
}

TEST(FakeQuantCuda, MatchesTheCpuKernelOnEveryGridAndLayout) {
  SKIP_WITHOUT_CUDA_KERNELS();
  at::manual_seed(3);
  // 25 elements per sample (no float4 path), 256 (float4), a single run.
  for (const std::vector<std::int64_t>& shape :
       {std::vector<std::int64_t>{6, 1, 5, 5}, {16, 4, 8, 8}, {1000}}) {
    for (const GridSpec& grid : kCudaGrids) {
      const at::Tensor x = inputs_with_ties(shape, 0.1f);
      const std::string what = to_string(grid.kind) + " " + std::to_string(grid.bits) + " bits, " +
                               std::to_string(x.numel()) + " elements";
      expect_matches_cpu(x, at::tensor(0.1f), grid, what + ", one step");
      if (shape.size() > 1) {
        expect_matches_cpu(x, at::rand({shape[0]}) * 0.2f + 0.01f, grid,
                           what + ", a step per sample");
      }
    }
  }
}

TEST(FakeQuantCuda, LargeTensorsLoopOverTheGridAndMisalignedOnesTakeTheScalarPath) {
  SKIP_WITHOUT_CUDA_KERNELS();
  at::manual_seed(4);
  const GridSpec grid{GridKind::Symmetric, 4};
  // More elements than one launch's threads cover, with three runs of their own step.
  expect_matches_cpu(at::randn({3, 3000000}), at::tensor({0.05f, 0.2f, 1.0f}), grid, "large");
  expect_matches_cpu(at::randn({4, 1024}), at::tensor({0.3f, 0.1f, 0.2f, 0.4f}), grid, "misaligned",
                     true);
  expect_matches_cpu(at::randn({4, 0, 3}), at::tensor({0.1f, 0.1f, 0.1f, 0.1f}), grid, "empty");
}

TEST(FakeQuantCuda, NanInputsAndBadStepsAreReportedOncePerCheck) {
  SKIP_WITHOUT_CUDA_KERNELS();
  const at::Device gpu(at::kCUDA, 0);
  const GridSpec grid{GridKind::Symmetric, 4};
  at::Tensor x = at::randn({8, 64}, at::TensorOptions().device(gpu));
  x[3][5] = std::nanf("");
  EXPECT_NO_THROW(fake_quant_forward(x, at::tensor(0.1f).to(gpu), grid));  // no sync at the call
  try {
    throw_if_device_faults(gpu);
    ADD_FAILURE() << "a NaN input went unreported";
  } catch (const std::domain_error& e) {
    EXPECT_NE(std::string(e.what()).find("input contains NaN"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(throw_if_device_faults(gpu));  // reported once, then cleared

  fake_quant_forward(x.nan_to_num(), at::tensor(0.0f).to(gpu), grid);
  try {
    throw_if_device_faults(gpu);
    ADD_FAILURE() << "a zero step went unreported";
  } catch (const std::domain_error& e) {
    EXPECT_NE(std::string(e.what()).find("step size must be positive"), std::string::npos)
        << e.what();
  }
  EXPECT_NO_THROW(throw_if_device_faults(at::Device(at::kCUDA)));  // device without an index
}

TEST(FakeQuantCuda, AutogradDeliversTheCpuGradients) {
  SKIP_WITHOUT_CUDA_KERNELS();
  at::manual_seed(5);
  const GridSpec grid{GridKind::Unsigned, 4, kSiluMinimum};
  const at::Tensor x = at::randn({4, 3, 6, 6});
  const at::Tensor scale = at::tensor({0.05f, 0.1f, 0.2f, 0.4f});
  auto grads_on = [&](const at::Device& device) {
    // detach(): on the CPU to() returns x itself, which must stay a leaf without a gradient.
    const at::Tensor xd = x.to(device).detach().requires_grad_(true);
    const at::Tensor sd = scale.to(device).detach().requires_grad_(true);
    fake_quant(xd, sd, grid, 0.25).pow(2).sum().backward();
    return std::make_pair(xd.grad().cpu(), sd.grad().cpu());
  };
  const auto cpu = grads_on(at::kCPU);
  const auto cuda = grads_on(at::Device(at::kCUDA, 0));
  EXPECT_TRUE(at::equal(cuda.first, cpu.first));
  EXPECT_TRUE(at::allclose(cuda.second, cpu.second, 1e-4, 1e-5)) << cuda.second << cpu.second;
}

}  // namespace
}  // namespace tdq::kernels
