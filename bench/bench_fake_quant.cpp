// Fake-quant forward + backward on a 64x128x32x32 activation: the fused kernel against the
// composed-op reference and LibTorch's fake_quantize_per_tensor_affine, in one run, as ratios, plus
// achieved bandwidth against a measured memcpy of the same tensor. The bandwidth claim is per
// core: scripts/bench runs it with 1 thread.
// With `cuda`: the same on the GPU with a 256x128x32x64 tensor (268 MB, several times any L2), the
// baseline a device-to-device copy, and the fused kernel with one step per sample (TDQ) as well.
// Usage: bench_fake_quant [repeats=10, best of] [threads=all cores] [cpu|cuda]
#include <ATen/ATen.h>
#include <torch/cuda.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <vector>

#include "core/common/runtime.h"
#include "kernels/fake_quant.h"
#include "kernels/fake_quant_span.h"

namespace {

bool on_cuda = false;

// CUDA launches return before the work is done: time whole batches between device syncs.
void sync() {
  if (on_cuda) torch::cuda::synchronize();
}

// Best of `repeats` single calls of every body, the bodies alternating within each round: on a
// shared virtual machine a slow moment then hits every method alike instead of one of them, and
// the fastest call is the least disturbed (mean times moved the memcpy baseline by 50 % between
// runs, and with it the bandwidth share from 62 % to 101 %).
std::vector<double> best_seconds(const std::vector<std::function<void()>>& bodies, int repeats) {
  std::vector<double> best(bodies.size(), 1e300);
  for (const auto& body : bodies) body();  // warm-up: page faults, thread start-up, CUDA context
  sync();
  for (int round = 0; round < repeats; ++round) {
    for (std::size_t i = 0; i < bodies.size(); ++i) {
      const auto start = std::chrono::steady_clock::now();
      bodies[i]();
      sync();
      best[i] = std::min(
          best[i], std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::atoi(argv[1]) : 10;
  tdq::configure_threads(argc > 2 ? std::atoi(argv[2]) : 0);
  on_cuda = argc > 3 && std::strcmp(argv[3], "cuda") == 0;
  if (on_cuda && !torch::cuda::is_available()) {
    std::fprintf(stderr, "bench_fake_quant: no CUDA device\n");
    return 2;
  }
  using namespace tdq::kernels;
  at::manual_seed(0);
  const std::vector<std::int64_t> shape = on_cuda ? std::vector<std::int64_t>{256, 128, 32, 64}
                                                  : std::vector<std::int64_t>{64, 128, 32, 32};
  const at::Device device = on_cuda ? at::Device(at::kCUDA, 0) : at::Device(at::kCPU);
  const at::Tensor x = at::randn(shape).to(device);
  const at::Tensor grad_y = at::randn_like(x);
  const at::Tensor scale = at::tensor(0.05f).to(device);
  const at::Tensor scales = (at::rand({shape[0]}) * 0.1f + 0.01f).to(device);
  const GridSpec grid{GridKind::Symmetric, 4};
  const double bytes = static_cast<double>(x.nbytes());

  at::Tensor copy = at::empty_like(x);
  const std::vector<double> best =
      best_seconds({[&] {
                      if (on_cuda) {
                        copy.copy_(x);
                      } else {
                        std::memcpy(copy.data_ptr(), x.data_ptr(), x.nbytes());
                      }
                    },
                    [&] { fake_quant_forward(x, scale, grid); },
                    [&] {
                      fake_quant_forward(x, scale, grid);
                      fake_quant_backward(grad_y, x, scale, grid, 1.0);
                    },
                    [&] {
                      fake_quant_forward(x, scales, grid);
                      fake_quant_backward(grad_y, x, scales, grid, 1.0);
                    }},
                   repeats);
  const double t_memcpy = best[0], t_fused_forward = best[1], t_fused = best[2],
               t_fused_per_sample = best[3];
  // The slow baselines: fewer rounds (they take 10-30x as long and decide no claim).
  const std::vector<double> slow = best_seconds(
      {[&] {
         fake_quant_forward_reference(x, scale, grid);
         fake_quant_backward_reference(grad_y, x, scale, grid, 1.0);
       },
       // LibTorch's affine fake-quant (int grid -6..6 via quant_min/max, zero point 0), autograd.
       [&] {
         at::Tensor input = x.detach().requires_grad_(true);
         at::Tensor y = at::fake_quantize_per_tensor_affine(input, 0.05, 0, -6, 6);
         y.backward(grad_y);
       },
       // LibTorch's learnable (LSQ) variant also returns the step-size gradient, like ours.
       [&] {
         at::Tensor input = x.detach().requires_grad_(true);
         at::Tensor s = at::tensor({0.05f}).to(device).requires_grad_(true);
         at::Tensor y = at::_fake_quantize_learnable_per_tensor_affine(
             input, s, at::zeros({1}).to(device), -6, 6, 1.0);
         y.backward(grad_y);
       }},
      std::max(1, repeats / 3));
  const double t_reference = slow[0], t_torch = slow[1], t_torch_lsq = slow[2];

  // Traffic: forward reads x and writes y; backward reads x and grad_y and writes grad_x.
  const double traffic = 5 * bytes;
  if (on_cuda) {
    std::printf("device %s, tensor %s float32 (%.0f MB), best of %d, fused CUDA kernels %s\n",
                device.str().c_str(), c10::str(x.sizes()).c_str(), bytes / 1e6, repeats,
                cuda_kernels_built() ? "built" : "NOT built (composed ops)");
  } else {
    std::printf("threads %d, tensor %s float32 (%.0f MB), best of %d\n", at::get_num_threads(),
                c10::str(x.sizes()).c_str(), bytes / 1e6, repeats);
  }
  std::printf("%-34s %10s %10s %8s\n", "fwd+bwd", "ms", "GB/s", "ratio");
  std::printf("%-34s %10.2f %10.2f %8s\n",
              on_cuda ? "device copy (read+write, 2x bytes)" : "memcpy (read+write, 2x bytes)",
              t_memcpy * 1e3, 2 * bytes / t_memcpy / 1e9, "-");
  std::printf("%-34s %10.2f %10.2f %8.2f\n", "fused kernel", t_fused * 1e3, traffic / t_fused / 1e9,
              1.0);
  std::printf("%-34s %10.2f %10.2f %8.2f\n", "fused kernel, step per sample",
              t_fused_per_sample * 1e3, traffic / t_fused_per_sample / 1e9,
              t_fused_per_sample / t_fused);
  std::printf("%-34s %10.2f %10.2f %8.2f\n", "composed reference", t_reference * 1e3,
              traffic / t_reference / 1e9, t_reference / t_fused);
  std::printf("%-34s %10.2f %10.2f %8.2f\n", "fake_quantize_per_tensor_affine", t_torch * 1e3,
              traffic / t_torch / 1e9, t_torch / t_fused);
  std::printf("%-34s %10.2f %10.2f %8.2f\n", "_fake_quantize_learnable (LSQ)", t_torch_lsq * 1e3,
              traffic / t_torch_lsq / 1e9, t_torch_lsq / t_fused);
  std::printf("fused forward alone: %.2f ms (%.2f GB/s)\n", t_fused_forward * 1e3,
              2 * bytes / t_fused_forward / 1e9);
  if (!on_cuda) {
    std::printf(
        "outputs %s (streamed from %lld MiB up)\n",
        static_cast<std::int64_t>(x.nbytes()) >= stream_output_bytes() ? "streamed" : "cached",
        static_cast<long long>(stream_output_bytes() >> 20));
  }
  std::printf("fused kernel reaches %.0f%% of %s bandwidth (%.0f%% with a step per sample)\n",
              100.0 * (traffic / t_fused) / (2 * bytes / t_memcpy),
              on_cuda ? "device copy" : "memcpy",
              100.0 * (traffic / t_fused_per_sample) / (2 * bytes / t_memcpy));
  return 0;
}
