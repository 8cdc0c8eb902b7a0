#include "core/common/runtime.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include <thread>

#include "core/common/blas_threads.h"
#include "core/common/errors.h"

namespace tdq {

void configure_threads(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::thread::hardware_concurrency());
  if (threads <= 0) threads = 1;
  at::set_num_threads(threads);
  // OpenBLAS's idle workers spin in sched_yield after each call (blas_threads.h): on 2 cores one
  // spinning worker took more CPU than the main thread and 1.4 of 7.9 CPU-seconds of `tdq sample
  // --n 64` went to the kernel's yield path. Large BLAS work asks for all cores in its own scope.
  set_blas_threads(1);
}

c10::Device parse_device(const std::string& name) {
  if (name == "cpu") return c10::Device(c10::kCPU);
  if (name.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available()) {
      throw ConfigError("device", name, "CUDA is not available in this build or machine");
    }
    try {
      return c10::Device(name);
    } catch (const std::exception&) {
      throw ConfigError("device", name, "not a valid CUDA device name (use cuda or cuda:N)");
    }
  }
  throw ConfigError("device", name, "unknown device (use cpu or cuda)");
}

}  // namespace tdq
