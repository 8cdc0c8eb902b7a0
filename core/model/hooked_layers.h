#pragma once
#include <cstdint>

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "core/model/layer_hooks.h"

namespace tdq {

// Conv2d/Linear with diffusers parameter names (`weight`, `bias`) whose forward lets LayerHooks
// replace the input and the weight. `layer_index` is set by the owning model.
class HookedConv2dImpl : public torch::nn::Module {
 public:
  HookedConv2dImpl(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride = 1,
                   std::int64_t padding = 0);
  at::Tensor forward(const at::Tensor& x, LayerHooks* hooks);

  at::Tensor weight, bias;
  std::int64_t stride, padding;
  int layer_index = -1;
};
TORCH_MODULE(HookedConv2d);

class HookedLinearImpl : public torch::nn::Module {
 public:
  HookedLinearImpl(std::int64_t in, std::int64_t out);
  at::Tensor forward(const at::Tensor& x, LayerHooks* hooks);

  at::Tensor weight, bias;
  int layer_index = -1;
};
TORCH_MODULE(HookedLinear);

}  // namespace tdq
