#include "core/common/runtime.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include <thread>

#include "core/common/errors.h"

namespace tdq {

void configure_threads(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::thread::hardware_concurrency());
  if (threads <= 0) threads = 1;
  at::set_num_threads(threads);
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
