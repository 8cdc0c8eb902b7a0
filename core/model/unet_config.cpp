#include "core/model/unet_config.h"

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/common/json_file.h"
#include "core/common/json_number.h"

namespace tdq {

namespace {

template <typename T>
void read_field(const nlohmann::json& json, const char* key, T& value) {
  auto it = json.find(key);
  if (it == json.end() || it->is_null()) return;  // diffusers leaves defaults out or null
  try {
    value = json_as<T>(*it);
  } catch (const nlohmann::json::exception&) {
    throw ConfigError(std::string("config.json: field '") + key + "' has the wrong type (" +
                      it->type_name() + ")");
  }
}

template <typename T>
void read_optional(const nlohmann::json& json, const char* key, std::optional<T>& value) {
  auto it = json.find(key);
  if (it == json.end()) return;
  if (it->is_null()) {
    value.reset();
    return;
  }
  T plain{};
  read_field(json, key, plain);
  value = plain;
}

void require_value(const nlohmann::json& json, const char* key, const std::string& supported) {
  auto it = json.find(key);
  if (it == json.end() || it->is_null()) return;
  const std::string text = it->is_string() ? it->get<std::string>() : it->dump();
  if (text != supported) {
    throw ConfigError(std::string("config.json: ") + key + " = " + text +
                      " is not supported (only " + supported + ")");
  }
}

}  // namespace

UNetConfig unet_config_from_json(const nlohmann::json& json) {
  if (!json.is_object()) throw ConfigError("config.json: not a JSON object");
  if (json.contains("_class_name") && json["_class_name"] != "UNet2DModel") {
    throw ConfigError("config.json: _class_name " + json["_class_name"].dump() +
                      " is not supported (only UNet2DModel)");
  }
  require_value(json, "time_embedding_type", "positional");
  require_value(json, "act_fn", "silu");
  require_value(json, "resnet_time_scale_shift", "default");
  require_value(json, "downsample_type", "conv");
  require_value(json, "upsample_type", "conv");
  require_value(json, "class_embed_type", "null");
  require_value(json, "num_class_embeds", "null");

  UNetConfig config;
  read_field(json, "sample_size", config.sample_size);
  read_field(json, "in_channels", config.in_channels);
  read_field(json, "out_channels", config.out_channels);
  read_field(json, "center_input_sample", config.center_input_sample);
  read_field(json, "flip_sin_to_cos", config.flip_sin_to_cos);
  read_field(json, "freq_shift", config.freq_shift);
  read_field(json, "down_block_types", config.down_block_types);
  read_field(json, "up_block_types", config.up_block_types);
  read_field(json, "block_out_channels", config.block_out_channels);
  read_field(json, "layers_per_block", config.layers_per_block);
  read_field(json, "mid_block_scale_factor", config.mid_block_scale_factor);
  read_field(json, "downsample_padding", config.downsample_padding);
  read_field(json, "dropout", config.dropout);
  read_optional(json, "attention_head_dim", config.attention_head_dim);
  read_field(json, "norm_num_groups", config.norm_num_groups);
  read_optional(json, "attn_norm_num_groups", config.attn_norm_num_groups);
  read_field(json, "norm_eps", config.norm_eps);
  read_field(json, "add_attention", config.add_attention);
  validate(config);
  return config;
}

nlohmann::json unet_config_to_json(const UNetConfig& config) {
  nlohmann::json json;
  json["_class_name"] = "UNet2DModel";
  json["sample_size"] = config.sample_size;
  json["in_channels"] = config.in_channels;
  json["out_channels"] = config.out_channels;
  json["center_input_sample"] = config.center_input_sample;
  json["time_embedding_type"] = "positional";
  json["flip_sin_to_cos"] = config.flip_sin_to_cos;
  json["freq_shift"] = config.freq_shift;
  json["down_block_types"] = config.down_block_types;
  json["up_block_types"] = config.up_block_types;
  json["block_out_channels"] = config.block_out_channels;
  json["layers_per_block"] = config.layers_per_block;
  json["mid_block_scale_factor"] = config.mid_block_scale_factor;
  json["downsample_padding"] = config.downsample_padding;
  json["downsample_type"] = "conv";
  json["upsample_type"] = "conv";
  json["dropout"] = config.dropout;
  json["act_fn"] = "silu";
  json["attention_head_dim"] =
      config.attention_head_dim ? nlohmann::json(*config.attention_head_dim) : nlohmann::json();
  json["norm_num_groups"] = config.norm_num_groups;
  json["attn_norm_num_groups"] =
      config.attn_norm_num_groups ? nlohmann::json(*config.attn_norm_num_groups) : nlohmann::json();
  json["norm_eps"] = config.norm_eps;
  json["resnet_time_scale_shift"] = "default";
  json["add_attention"] = config.add_attention;
  json["class_embed_type"] = nullptr;
  json["num_class_embeds"] = nullptr;
  return json;
}

UNetConfig read_unet_config(const std::filesystem::path& file) {
  const nlohmann::json json = read_json_file(file);
  try {
    return unet_config_from_json(json);
  } catch (const ConfigError& e) {
    throw ConfigError(file.string() + ": " + e.what());
  }
}

void validate(const UNetConfig& c) {
  auto fail = [](const std::string& what) { throw ConfigError("config.json: " + what); };
  const std::size_t levels = c.block_out_channels.size();
  if (levels == 0) fail("block_out_channels is empty");
  if (c.down_block_types.size() != levels || c.up_block_types.size() != levels) {
    fail("down_block_types, up_block_types and block_out_channels must have the same length");
  }
  for (const auto& type : c.down_block_types) {
    if (type != "DownBlock2D" && type != "AttnDownBlock2D")
      fail("down block type " + type + " is not supported");
  }
  for (const auto& type : c.up_block_types) {
    if (type != "UpBlock2D" && type != "AttnUpBlock2D")
      fail("up block type " + type + " is not supported");
  }
  if (c.in_channels <= 0 || c.out_channels <= 0)
    fail("in_channels and out_channels must be positive");
  if (c.layers_per_block <= 0) fail("layers_per_block must be positive");
  if (c.norm_num_groups <= 0) fail("norm_num_groups must be positive");
  if (c.sample_size <= 0 || c.sample_size % (std::int64_t{1} << (levels - 1)) != 0) {
    fail("sample_size must be divisible by 2^(levels-1)");
  }
  const std::int64_t attn_groups = c.attn_norm_num_groups.value_or(c.norm_num_groups);
  for (std::int64_t channels : c.block_out_channels) {
    if (channels <= 0 || channels % c.norm_num_groups != 0 || channels % attn_groups != 0) {
      fail("channels " + std::to_string(channels) + " not divisible by the norm group count");
    }
    if (c.attention_head_dim &&
        (*c.attention_head_dim <= 0 || channels % *c.attention_head_dim != 0)) {
      fail("channels " + std::to_string(channels) + " not divisible by attention_head_dim");
    }
  }
  if (c.block_out_channels.front() % 2 != 0)
    fail("block_out_channels[0] must be even (time embedding)");
  if (c.dropout < 0.0 || c.dropout >= 1.0) fail("dropout must be in [0, 1)");
}

}  // namespace tdq
