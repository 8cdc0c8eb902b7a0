#include "core/dist/gradient_sync.h"

#include <ATen/ATen.h>

#include <string>

namespace tdq {

void all_reduce_gradients(const DistContext& dist, const std::vector<at::Tensor>& tensors,
                          std::vector<double>& extras, std::int64_t bucket_bytes) {
  if (!is_distributed(dist)) return;
  // The extras and one "has a gradient" count per tensor, in float64 (exact counts).
  at::Tensor small =
      at::zeros({static_cast<std::int64_t>(extras.size() + tensors.size())}, at::kDouble);
  for (std::size_t i = 0; i < extras.size(); ++i) small[static_cast<std::int64_t>(i)] = extras[i];
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i].scalar_type() != at::kFloat) {
      throw ConfigError("data-parallel training: tensor " + std::to_string(i) + " is " +
                        std::string(c10::toString(tensors[i].scalar_type())) +
                        ", gradients are reduced as float32");
    }
    if (tensors[i].grad().defined()) small[static_cast<std::int64_t>(extras.size() + i)] = 1.0;
  }
  std::vector<at::Tensor> first = {small};
  all_reduce_sum(dist, first);
  for (std::size_t i = 0; i < extras.size(); ++i) {
    extras[i] = small[static_cast<std::int64_t>(i)].item<double>();
  }

  std::vector<std::size_t> bucket;
  std::int64_t bytes = 0;
  auto flush = [&] {
    if (bucket.empty()) return;
    std::vector<at::Tensor> parts;
    for (std::size_t i : bucket) {
      const at::Tensor& grad = tensors[i].grad();
      parts.push_back(grad.defined() ? grad.detach().reshape({-1})
                                     : at::zeros({tensors[i].numel()}, tensors[i].options()));
    }
    std::vector<at::Tensor> flat = {at::cat(parts).to(at::kCPU).contiguous()};
    all_reduce_sum(dist, flat);
    std::int64_t offset = 0;
    for (std::size_t i : bucket) {
      at::Tensor tensor = tensors[i];
      const at::Tensor summed =
          flat[0].narrow(0, offset, tensor.numel()).view(tensor.sizes()).to(tensor.device());
      offset += tensor.numel();
      if (tensor.grad().defined()) {
        tensor.mutable_grad().copy_(summed);
      } else {
        tensor.mutable_grad() = summed.clone();
      }
    }
    bucket.clear();
    bytes = 0;
  };
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    if (small[static_cast<std::int64_t>(extras.size() + i)].item<double>() == 0) continue;
    bucket.push_back(i);
    bytes += tensors[i].numel() * 4;
    if (bytes >= bucket_bytes) flush();
  }
  flush();
}

}  // namespace tdq
