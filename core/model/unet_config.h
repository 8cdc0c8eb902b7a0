#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace tdq {

// The subset of diffusers' UNet2DModel config this engine implements, with the same field names,
// so a diffusers model folder loads here and ours loads in diffusers.
struct UNetConfig {
  std::int64_t sample_size = 32;
  std::int64_t in_channels = 1;
  std::int64_t out_channels = 1;
  bool center_input_sample = false;
  bool flip_sin_to_cos = true;  // cos first, as in the released TDQ/DDPM code
  double freq_shift = 0.0;
  std::vector<std::string> down_block_types = {"DownBlock2D", "DownBlock2D", "AttnDownBlock2D"};
  std::vector<std::string> up_block_types = {"AttnUpBlock2D", "UpBlock2D", "UpBlock2D"};
  std::vector<std::int64_t> block_out_channels = {32, 64, 64};
  std::int64_t layers_per_block = 1;
  double mid_block_scale_factor = 1.0;
  std::int64_t downsample_padding = 1;
  double dropout = 0.0;
  std::optional<std::int64_t> attention_head_dim = 32;  // null: one head over all channels
  std::int64_t norm_num_groups = 8;
  std::optional<std::int64_t> attn_norm_num_groups;  // null: norm_num_groups
  double norm_eps = 1e-5;
  bool add_attention = true;  // attention in the middle block

  std::int64_t time_embed_dim() const { return block_out_channels.front() * 4; }
};

// Throws ConfigError naming the field when a value is missing, of the wrong type, or a feature
// this engine does not implement (e.g. Fourier time embedding, class embeddings).
UNetConfig unet_config_from_json(const nlohmann::json& json);
nlohmann::json unet_config_to_json(const UNetConfig& config);
UNetConfig read_unet_config(const std::filesystem::path& file);

// Checks consistency (block counts, channels divisible by groups and heads); ConfigError if not.
void validate(const UNetConfig& config);

}  // namespace tdq
