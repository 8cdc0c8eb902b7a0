#include "core/model/unet.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/common/errors.h"

namespace tdq {

at::Tensor timestep_embedding(const at::Tensor& timesteps, std::int64_t dim, bool flip_sin_to_cos,
                              double freq_shift, double max_period) {
  const std::int64_t half = dim / 2;
  auto options = at::TensorOptions().dtype(at::kFloat).device(timesteps.device());
  at::Tensor exponent = at::arange(half, options) *
                        (-std::log(max_period) / (static_cast<double>(half) - freq_shift));
  at::Tensor args = timesteps.to(at::kFloat).reshape({-1, 1}) * at::exp(exponent).unsqueeze(0);
  at::Tensor sin = at::sin(args), cos = at::cos(args);
  at::Tensor emb = flip_sin_to_cos ? at::cat({cos, sin}, 1) : at::cat({sin, cos}, 1);
  if (dim % 2 == 1) emb = at::constant_pad_nd(emb, {0, 1});
  return emb;
}

ResnetBlock2DImpl::ResnetBlock2DImpl(std::int64_t in, std::int64_t out, std::int64_t temb,
                                     std::int64_t groups, double eps, double dropout_p) {
  norm1 = register_module("norm1",
                          torch::nn::GroupNorm(torch::nn::GroupNormOptions(groups, in).eps(eps)));
  conv1 = register_module("conv1", HookedConv2d(in, out, 3, 1, 1));
  time_emb_proj = register_module("time_emb_proj", HookedLinear(temb, out));
  norm2 = register_module("norm2",
                          torch::nn::GroupNorm(torch::nn::GroupNormOptions(groups, out).eps(eps)));
  dropout = register_module("dropout", torch::nn::Dropout(dropout_p));
  conv2 = register_module("conv2", HookedConv2d(out, out, 3, 1, 1));
  if (in != out) conv_shortcut = register_module("conv_shortcut", HookedConv2d(in, out, 1));
}

at::Tensor ResnetBlock2DImpl::forward(const at::Tensor& x, const at::Tensor& temb,
                                      LayerHooks* hooks) {
  at::Tensor h = conv1->forward(at::silu(norm1->forward(x)), hooks);
  h = h + time_emb_proj->forward(at::silu(temb), hooks).unsqueeze(-1).unsqueeze(-1);
  h = conv2->forward(dropout->forward(at::silu(norm2->forward(h))), hooks);
  const at::Tensor shortcut = conv_shortcut ? conv_shortcut->forward(x, hooks) : x;
  return shortcut + h;
}

AttentionImpl::AttentionImpl(std::int64_t channels, std::int64_t head_dim, std::int64_t groups,
                             double eps, double rescale_output_factor)
    : heads_(channels / head_dim), head_dim_(head_dim), rescale_(rescale_output_factor) {
  group_norm = register_module(
      "group_norm", torch::nn::GroupNorm(torch::nn::GroupNormOptions(groups, channels).eps(eps)));
  to_q = register_module("to_q", HookedLinear(channels, channels));
  to_k = register_module("to_k", HookedLinear(channels, channels));
  to_v = register_module("to_v", HookedLinear(channels, channels));
  auto to_out = register_module("to_out", torch::nn::ModuleList());
  to_out0 = HookedLinear(channels, channels);
  to_out->push_back(to_out0);
}

at::Tensor AttentionImpl::forward(const at::Tensor& x, LayerHooks* hooks) {
  const auto b = x.size(0), c = x.size(1), height = x.size(2), width = x.size(3);
  const at::Tensor tokens = group_norm->forward(x).reshape({b, c, height * width}).transpose(1, 2);
  auto split_heads = [&](const at::Tensor& t) {
    return t.reshape({b, height * width, heads_, head_dim_}).transpose(1, 2);
  };
  const at::Tensor q = split_heads(to_q->forward(tokens, hooks));
  const at::Tensor k = split_heads(to_k->forward(tokens, hooks));
  const at::Tensor v = split_heads(to_v->forward(tokens, hooks));
  // Softmax in float32 (diffusers' upcast_softmax) so half precision on GPU stays stable.
  const at::Tensor scores =
      at::matmul(q, k.transpose(-1, -2)).to(at::kFloat) / std::sqrt(static_cast<double>(head_dim_));
  const at::Tensor attended = at::matmul(at::softmax(scores, -1).to(v.scalar_type()), v)
                                  .transpose(1, 2)
                                  .reshape({b, height * width, c});
  const at::Tensor out =
      to_out0->forward(attended, hooks).transpose(1, 2).reshape({b, c, height, width});
  return (out + x) / rescale_;
}

Downsample2DImpl::Downsample2DImpl(std::int64_t channels, std::int64_t padding) {
  conv = register_module("conv", HookedConv2d(channels, channels, 3, 2, padding));
}

Upsample2DImpl::Upsample2DImpl(std::int64_t channels) {
  conv = register_module("conv", HookedConv2d(channels, channels, 3, 1, 1));
}

at::Tensor Upsample2DImpl::forward(const at::Tensor& x, LayerHooks* hooks) {
  return conv->forward(at::upsample_nearest2d(x, {x.size(2) * 2, x.size(3) * 2}), hooks);
}

void UNetBlockImpl::add_resnet(ResnetBlock2D block) {
  if (!resnet_list_) resnet_list_ = register_module("resnets", torch::nn::ModuleList());
  resnet_list_->push_back(block);
  resnets.push_back(block);
}

void UNetBlockImpl::add_attention(Attention attention) {
  if (!attention_list_) attention_list_ = register_module("attentions", torch::nn::ModuleList());
  attention_list_->push_back(attention);
  attentions.push_back(attention);
}

void UNetBlockImpl::set_downsampler(Downsample2D down) {
  auto list = register_module("downsamplers", torch::nn::ModuleList());
  list->push_back(down);
  downsampler = down;
}

void UNetBlockImpl::set_upsampler(Upsample2D up) {
  auto list = register_module("upsamplers", torch::nn::ModuleList());
  list->push_back(up);
  upsampler = up;
}

UNetImpl::UNetImpl(const UNetConfig& config) : config_(config) {
  validate(config_);
  const auto& channels = config_.block_out_channels;
  const std::int64_t levels = static_cast<std::int64_t>(channels.size());
  const std::int64_t temb = config_.time_embed_dim();
  const std::int64_t groups = config_.norm_num_groups;
  const std::int64_t attn_groups = config_.attn_norm_num_groups.value_or(groups);
  const double eps = config_.norm_eps;
  auto head_dim = [&](std::int64_t c) { return config_.attention_head_dim.value_or(c); };

  conv_in = register_module("conv_in", HookedConv2d(config_.in_channels, channels[0], 3, 1, 1));
  auto time_embedding = register_module("time_embedding", std::make_shared<torch::nn::Module>());
  time_linear_1 = time_embedding->register_module("linear_1", HookedLinear(channels[0], temb));
  time_linear_2 = time_embedding->register_module("linear_2", HookedLinear(temb, temb));

  auto down_list = register_module("down_blocks", torch::nn::ModuleList());
  std::int64_t out_ch = channels[0];
  for (std::int64_t i = 0; i < levels; ++i) {
    const std::int64_t in_ch = out_ch;
    out_ch = channels[i];
    UNetBlock block;
    const bool attn = config_.down_block_types[i] == "AttnDownBlock2D";
    for (std::int64_t j = 0; j < config_.layers_per_block; ++j) {
      block->add_resnet(
          ResnetBlock2D(j == 0 ? in_ch : out_ch, out_ch, temb, groups, eps, config_.dropout));
      if (attn) block->add_attention(Attention(out_ch, head_dim(out_ch), attn_groups, eps, 1.0));
    }
    if (i + 1 < levels) block->set_downsampler(Downsample2D(out_ch, config_.downsample_padding));
    down_list->push_back(block);
    down_blocks_.push_back(block);
  }

  const std::int64_t mid_ch = channels.back();
  mid_block = register_module("mid_block", UNetBlock());
  mid_block->add_resnet(ResnetBlock2D(mid_ch, mid_ch, temb, groups, eps, config_.dropout));
  if (config_.add_attention) {
    mid_block->add_attention(
        Attention(mid_ch, head_dim(mid_ch), attn_groups, eps, config_.mid_block_scale_factor));
  }
  mid_block->add_resnet(ResnetBlock2D(mid_ch, mid_ch, temb, groups, eps, config_.dropout));

  // Channel bookkeeping follows diffusers' UNet2DModel so parameter shapes match its checkpoints.
  auto up_list = register_module("up_blocks", torch::nn::ModuleList());
  std::vector<std::int64_t> reversed(channels.rbegin(), channels.rend());
  out_ch = reversed[0];
  for (std::int64_t i = 0; i < levels; ++i) {
    const std::int64_t prev_out = out_ch;
    out_ch = reversed[i];
    const std::int64_t in_ch = reversed[std::min(i + 1, levels - 1)];
    UNetBlock block;
    const bool attn = config_.up_block_types[i] == "AttnUpBlock2D";
    const std::int64_t layers = config_.layers_per_block + 1;
    for (std::int64_t j = 0; j < layers; ++j) {
      const std::int64_t skip_ch = j == layers - 1 ? in_ch : out_ch;
      const std::int64_t res_in = j == 0 ? prev_out : out_ch;
      block->add_resnet(
          ResnetBlock2D(res_in + skip_ch, out_ch, temb, groups, eps, config_.dropout));
      if (attn) block->add_attention(Attention(out_ch, head_dim(out_ch), attn_groups, eps, 1.0));
    }
    if (i + 1 < levels) block->set_upsampler(Upsample2D(out_ch));
    up_list->push_back(block);
    up_blocks_.push_back(block);
  }

  conv_norm_out = register_module(
      "conv_norm_out",
      torch::nn::GroupNorm(torch::nn::GroupNormOptions(groups, channels[0]).eps(eps)));
  conv_out = register_module("conv_out", HookedConv2d(channels[0], config_.out_channels, 3, 1, 1));
  number_layers();
}

void UNetImpl::number_layers() {
  layers_.clear();
  for (const auto& item : named_modules("", /*include_self=*/false)) {
    LayerInfo info;
    if (auto* conv = item.value()->as<HookedConv2dImpl>()) {
      conv->layer_index = static_cast<int>(layers_.size());
      info.kind = LayerKind::Conv2d;
      info.weight_shape = conv->weight.sizes().vec();
    } else if (auto* linear = item.value()->as<HookedLinearImpl>()) {
      linear->layer_index = static_cast<int>(layers_.size());
      info.kind = LayerKind::Linear;
      info.weight_shape = linear->weight.sizes().vec();
    } else {
      continue;
    }
    info.index = static_cast<int>(layers_.size());
    info.path = item.key();
    layers_.push_back(std::move(info));
  }
}

std::int64_t UNetImpl::parameter_count() const {
  std::int64_t count = 0;
  for (const auto& p : parameters()) count += p.numel();
  return count;
}

at::Tensor UNetImpl::run_block(UNetBlock& block, at::Tensor h, const at::Tensor& temb,
                               LayerHooks* hooks, std::vector<at::Tensor>* skips, bool is_up) {
  for (std::size_t j = 0; j < block->resnets.size(); ++j) {
    if (is_up) {
      h = at::cat({h, skips->back()}, 1);
      skips->pop_back();
    }
    h = block->resnets[j]->forward(h, temb, hooks);
    // The mid block interleaves resnet, attention, resnet: one attention fewer than resnets.
    if (j < block->attentions.size()) h = block->attentions[j]->forward(h, hooks);
    if (!is_up && skips) skips->push_back(h);
  }
  if (block->downsampler) {
    h = block->downsampler->forward(h, hooks);
    skips->push_back(h);
  }
  if (block->upsampler) h = block->upsampler->forward(h, hooks);
  return h;
}

at::Tensor UNetImpl::forward(const at::Tensor& x, const at::Tensor& t, LayerHooks* hooks) {
  if (x.dim() != 4 || x.size(1) != config_.in_channels) {
    throw ConfigError("UNet input must be [B, " + std::to_string(config_.in_channels) +
                      ", H, W], got " + std::to_string(x.dim()) + "-d tensor " +
                      c10::str(x.sizes()));
  }
  const std::int64_t factor = std::int64_t{1} << (config_.block_out_channels.size() - 1);
  if (x.size(2) % factor != 0 || x.size(3) % factor != 0) {
    throw ConfigError("UNet input height and width must be divisible by " + std::to_string(factor));
  }
  at::Tensor steps = t.dim() == 0 ? t.expand({x.size(0)}) : t;
  if (steps.numel() != x.size(0)) throw ConfigError("UNet: one time step per sample expected");
  steps = steps.to(x.device());
  if (hooks) hooks->on_forward(steps);

  at::Tensor h = config_.center_input_sample ? 2 * x - 1 : x;
  at::Tensor temb = timestep_embedding(steps, config_.block_out_channels[0],
                                       config_.flip_sin_to_cos, config_.freq_shift)
                        .to(x.scalar_type());
  temb = time_linear_2->forward(at::silu(time_linear_1->forward(temb, hooks)), hooks);

  h = conv_in->forward(h, hooks);
  std::vector<at::Tensor> skips{h};
  for (auto& block : down_blocks_) h = run_block(block, h, temb, hooks, &skips, false);
  h = run_block(mid_block, h, temb, hooks, nullptr, false);
  for (auto& block : up_blocks_) h = run_block(block, h, temb, hooks, &skips, true);
  h = at::silu(conv_norm_out->forward(h));
  at::Tensor out = conv_out->forward(h, hooks);
  if (hooks) hooks->on_forward_end();
  return out;
}

}  // namespace tdq
