#pragma once
#include <cstdint>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "core/model/hooked_layers.h"
#include "core/model/unet_config.h"

namespace tdq {

// Sinusoidal embedding of (possibly fractional) time steps, diffusers' get_timestep_embedding.
at::Tensor timestep_embedding(const at::Tensor& timesteps, std::int64_t dim, bool flip_sin_to_cos,
                              double freq_shift, double max_period = 10000.0);

class ResnetBlock2DImpl : public torch::nn::Module {
 public:
  ResnetBlock2DImpl(std::int64_t in, std::int64_t out, std::int64_t temb, std::int64_t groups,
                    double eps, double dropout);
  at::Tensor forward(const at::Tensor& x, const at::Tensor& temb, LayerHooks* hooks);

 private:
  torch::nn::GroupNorm norm1{nullptr}, norm2{nullptr};
  HookedConv2d conv1{nullptr}, conv2{nullptr}, conv_shortcut{nullptr};
  HookedLinear time_emb_proj{nullptr};
  torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(ResnetBlock2D);

// Spatial self-attention with a residual connection (diffusers Attention, deprecated-attn-block
// layout).
class AttentionImpl : public torch::nn::Module {
 public:
  AttentionImpl(std::int64_t channels, std::int64_t head_dim, std::int64_t groups, double eps,
                double rescale_output_factor);
  at::Tensor forward(const at::Tensor& x, LayerHooks* hooks);

 private:
  std::int64_t heads_, head_dim_;
  double rescale_;
  torch::nn::GroupNorm group_norm{nullptr};
  HookedLinear to_q{nullptr}, to_k{nullptr}, to_v{nullptr}, to_out0{nullptr};
};
TORCH_MODULE(Attention);

class Downsample2DImpl : public torch::nn::Module {
 public:
  Downsample2DImpl(std::int64_t channels, std::int64_t padding);
  at::Tensor forward(const at::Tensor& x, LayerHooks* hooks) { return conv->forward(x, hooks); }
  HookedConv2d conv{nullptr};
};
TORCH_MODULE(Downsample2D);

class Upsample2DImpl : public torch::nn::Module {
 public:
  explicit Upsample2DImpl(std::int64_t channels);
  at::Tensor forward(const at::Tensor& x, LayerHooks* hooks);
  HookedConv2d conv{nullptr};
};
TORCH_MODULE(Upsample2D);

// A down, mid or up block: resnets, optional attentions after each resnet, optional resampler.
class UNetBlockImpl : public torch::nn::Module {
 public:
  std::vector<ResnetBlock2D> resnets;
  std::vector<Attention> attentions;
  Downsample2D downsampler{nullptr};
  Upsample2D upsampler{nullptr};

  void add_resnet(ResnetBlock2D block);
  void add_attention(Attention attention);
  void set_downsampler(Downsample2D down);
  void set_upsampler(Upsample2D up);

 private:
  torch::nn::ModuleList resnet_list_{nullptr}, attention_list_{nullptr};
};
TORCH_MODULE(UNetBlock);

// diffusers UNet2DModel: predicts the noise eps(x_t, t). Every conv/linear is a hooked layer,
// numbered in module order and listed by layers().
class UNetImpl : public torch::nn::Module {
 public:
  explicit UNetImpl(const UNetConfig& config);

  // x: [B, C, H, W]; t: [B] or scalar time steps (float or integer).
  at::Tensor forward(const at::Tensor& x, const at::Tensor& t, LayerHooks* hooks = nullptr);

  const UNetConfig& config() const { return config_; }
  const std::vector<LayerInfo>& layers() const { return layers_; }
  std::int64_t parameter_count() const;

 private:
  at::Tensor run_block(UNetBlock& block, at::Tensor h, const at::Tensor& temb, LayerHooks* hooks,
                       std::vector<at::Tensor>* skips, bool is_up);
  void number_layers();

  UNetConfig config_;
  HookedConv2d conv_in{nullptr}, conv_out{nullptr};
  HookedLinear time_linear_1{nullptr}, time_linear_2{nullptr};
  std::vector<UNetBlock> down_blocks_, up_blocks_;
  UNetBlock mid_block{nullptr};
  torch::nn::GroupNorm conv_norm_out{nullptr};
  std::vector<LayerInfo> layers_;
};
TORCH_MODULE(UNet);

}  // namespace tdq
