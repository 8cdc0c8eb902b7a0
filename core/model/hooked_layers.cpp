#include "core/model/hooked_layers.h"

#include <ATen/ATen.h>
#include <torch/nn/init.h>

#include <cmath>

namespace tdq {

namespace {
// PyTorch's default init for conv/linear (kaiming_uniform with a = sqrt(5), bias U(-1/sqrt(fan_in),
// ..)).
void default_init(at::Tensor& weight, at::Tensor& bias, std::int64_t fan_in) {
  torch::NoGradGuard no_grad;
  torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  torch::nn::init::uniform_(bias, -bound, bound);
}

const char* kConv = "Conv2d";
const char* kLinear = "Linear";
}  // namespace

const char* to_string(LayerKind kind) { return kind == LayerKind::Conv2d ? kConv : kLinear; }

HookedConv2dImpl::HookedConv2dImpl(std::int64_t in, std::int64_t out, std::int64_t kernel,
                                   std::int64_t stride_, std::int64_t padding_)
    : stride(stride_), padding(padding_) {
  weight = register_parameter("weight", at::empty({out, in, kernel, kernel}));
  bias = register_parameter("bias", at::empty({out}));
  default_init(weight, bias, in * kernel * kernel);
}

at::Tensor HookedConv2dImpl::forward(const at::Tensor& x, LayerHooks* hooks) {
  if (!hooks) return at::conv2d(x, weight, bias, {stride, stride}, {padding, padding});
  return hooks->on_output(layer_index, at::conv2d(hooks->on_input(layer_index, x),
                                                  hooks->on_weight(layer_index, weight), bias,
                                                  {stride, stride}, {padding, padding}));
}

HookedLinearImpl::HookedLinearImpl(std::int64_t in, std::int64_t out) {
  weight = register_parameter("weight", at::empty({out, in}));
  bias = register_parameter("bias", at::empty({out}));
  default_init(weight, bias, in);
}

at::Tensor HookedLinearImpl::forward(const at::Tensor& x, LayerHooks* hooks) {
  if (!hooks) return at::linear(x, weight, bias);
  return hooks->on_output(layer_index, at::linear(hooks->on_input(layer_index, x),
                                                  hooks->on_weight(layer_index, weight), bias));
}

}  // namespace tdq
