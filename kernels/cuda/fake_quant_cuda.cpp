#include "kernels/cuda/fake_quant_cuda.h"

#include "kernels/fake_quant_layout.h"

#include <ATen/ATen.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

namespace tdq::kernels::cuda {
namespace {

std::mutex fault_mutex;
std::map<c10::DeviceIndex, at::Tensor>& fault_words() {
  static std::map<c10::DeviceIndex, at::Tensor>
      words;  // one int32 per device, kept for the process
  return words;
}

c10::DeviceIndex index_of(c10::Device device) {
  return device.has_index() ? device.index() : c10::cuda::current_device();
}

unsigned* fault_word(c10::Device device) {
  const std::lock_guard<std::mutex> lock(fault_mutex);
  at::Tensor& word = fault_words()[index_of(device)];
  if (!word.defined()) word = at::zeros({1}, at::TensorOptions().dtype(at::kInt).device(device));
  return reinterpret_cast<unsigned*>(word.data_ptr<int>());
}

void* current_stream(c10::Device device) {
  return static_cast<void*>(c10::cuda::getCurrentCUDAStream(device.index()).stream());
}

void throw_if_failed(const char* error, const char* where) {
  if (error) throw std::runtime_error(std::string(where) + " (CUDA): " + error);
}

}  // namespace

bool handles(const at::Tensor& x, const at::Tensor& scale) {
  return x.is_cuda() && x.scalar_type() == at::kFloat && scale.scalar_type() == at::kFloat &&
         layout_of(x, scale).samples <= kMaxSamples;
}

at::Tensor forward(const at::Tensor& x_in, const at::Tensor& scale_in, const GridConstants& grid) {
  const c10::cuda::CUDAGuard guard(x_in.device());
  const at::Tensor x = x_in.contiguous();
  const at::Tensor scale = scale_in.contiguous();
  at::Tensor y = at::empty_like(x, at::MemoryFormat::Contiguous);
  const auto [samples, inner] = layout_of(x, scale);
  throw_if_failed(
      launch_forward(x.data_ptr<float>(), scale.data_ptr<float>(), y.data_ptr<float>(), samples,
                     inner, grid, fault_word(x.device()), current_stream(x.device())),
      "fake_quant_forward");
  return y.view(x_in.sizes());
}

FakeQuantGrads backward(const at::Tensor& grad_y_in, const at::Tensor& x_in,
                        const at::Tensor& scale_in, const GridConstants& grid,
                        double grad_scale_factor) {
  const c10::cuda::CUDAGuard guard(x_in.device());
  const at::Tensor x = x_in.contiguous();
  const at::Tensor grad_y = grad_y_in.to(at::kFloat).contiguous();
  const at::Tensor scale = scale_in.contiguous();
  const auto [samples, inner] = layout_of(x, scale);
  at::Tensor grad_x = at::empty_like(x, at::MemoryFormat::Contiguous);
  at::Tensor grad_scale = at::empty_like(scale, at::MemoryFormat::Contiguous);
  const at::Tensor partial =
      at::empty({std::max<std::int64_t>(1, samples * backward_chunks(samples, inner))},
                x.options().dtype(at::kDouble));
  throw_if_failed(
      launch_backward(x.data_ptr<float>(), grad_y.data_ptr<float>(), scale.data_ptr<float>(),
                      grad_x.data_ptr<float>(), partial.data_ptr<double>(),
                      grad_scale.data_ptr<float>(), grad_scale_factor, samples, inner, grid,
                      current_stream(x.device())),
      "fake_quant_backward");
  return {grad_x.view(x_in.sizes()), grad_scale.view(scale_in.sizes())};
}

unsigned take_faults(c10::Device device) {
  at::Tensor word;
  {
    const std::lock_guard<std::mutex> lock(fault_mutex);
    const auto found = fault_words().find(index_of(device));
    if (found == fault_words().end()) return 0;
    word = found->second;
  }
  const c10::cuda::CUDAGuard guard(word.device());
  const auto faults = static_cast<unsigned>(word.item<int>());
  if (faults != 0) word.zero_();
  return faults;
}

}  // namespace tdq::kernels::cuda
