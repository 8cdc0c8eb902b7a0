#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/model/model_io.h"
#include "core/model/unet.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_models.h"

namespace tdq {
namespace {

TEST(TimestepEmbedding, CosFirstWithGeometricFrequencies) {
  const at::Tensor emb = timestep_embedding(at::tensor({0.0, 10.0}), 8, true, 0.0);
  ASSERT_EQ(emb.sizes(), (std::vector<int64_t>{2, 8}));
  // t = 0: cos = 1, sin = 0.
  EXPECT_FLOAT_EQ(emb[0][0].item<float>(), 1.0f);
  EXPECT_FLOAT_EQ(emb[0][4].item<float>(), 0.0f);
  // freq_1 = exp(-ln(10000) * 1 / 4) = 0.1: cos(10 * 0.1) and sin(10 * 0.1).
  EXPECT_NEAR(emb[1][1].item<float>(), std::cos(1.0), 1e-6);
  EXPECT_NEAR(emb[1][5].item<float>(), std::sin(1.0), 1e-6);
}

struct ShapeCase {
  std::vector<std::int64_t> channels;
  std::int64_t layers;
  std::int64_t size;
};

class UNetShapes : public ::testing::TestWithParam<ShapeCase> {};

TEST_P(UNetShapes, OutputMatchesInput) {
  UNetConfig config = test::tiny_unet_config();
  config.block_out_channels = GetParam().channels;
  config.layers_per_block = GetParam().layers;
  config.sample_size = GetParam().size;
  config.down_block_types.assign(config.block_out_channels.size(), "DownBlock2D");
  config.up_block_types.assign(config.block_out_channels.size(), "UpBlock2D");
  config.down_block_types.back() = "AttnDownBlock2D";
  config.up_block_types.front() = "AttnUpBlock2D";
  UNet model(config);
  const at::Tensor x = at::randn({3, 1, config.sample_size, config.sample_size});
  const at::Tensor y = model->forward(x, at::tensor({0, 500, 999}));
  EXPECT_EQ(y.sizes(), x.sizes());
  EXPECT_TRUE(at::isfinite(y).all().item<bool>());
}

// Counts the calls the forward makes, and how many layers had run when it ended.
class CallOrderHooks : public LayerHooks {
 public:
  int starts = 0, ends = 0, inputs = 0, inputs_at_end = -1;
  void on_forward(const at::Tensor&) override { ++starts; }
  at::Tensor on_input(int, const at::Tensor& input) override {
    ++inputs;
    return input;
  }
  void on_forward_end() override {
    ++ends;
    inputs_at_end = inputs;
  }
};

TEST(UNet, HooksHearTheEndOfEveryForwardAfterItsLastLayer) {
  UNet model(test::tiny_unet_config());
  const std::int64_t size = test::tiny_unet_config().sample_size;
  CallOrderHooks hooks;
  model->forward(at::randn({2, 1, size, size}), at::tensor({10, 20}), &hooks);
  model->forward(at::randn({2, 1, size, size}), at::tensor({30, 40}), &hooks);
  EXPECT_EQ(hooks.starts, 2);
  EXPECT_EQ(hooks.ends, 2);
  EXPECT_GT(hooks.inputs, 0);
  EXPECT_EQ(hooks.inputs_at_end, hooks.inputs);  // the check runs after the output layer
}

INSTANTIATE_TEST_SUITE_P(Configs, UNetShapes,
                         ::testing::Values(ShapeCase{{8, 16}, 1, 8}, ShapeCase{{8, 16, 16}, 2, 16},
                                           ShapeCase{{16}, 1, 4},
                                           ShapeCase{{8, 8, 16, 16}, 1, 16}));

TEST(UNet, ParameterNamesAndShapesFollowDiffusers) {
  UNetConfig config = test::tiny_unet_config();
  config.block_out_channels = {32, 64};
  config.norm_num_groups = 8;
  config.attention_head_dim = 32;
  UNet model(config);
  const auto params = named_parameters_map(*model);
  const std::map<std::string, std::vector<std::int64_t>> expected = {
      {"conv_in.weight", {32, 1, 3, 3}},
      {"time_embedding.linear_1.weight", {128, 32}},
      {"time_embedding.linear_2.weight", {128, 128}},
      {"down_blocks.0.resnets.0.norm1.weight", {32}},
      {"down_blocks.0.resnets.0.time_emb_proj.weight", {32, 128}},
      {"down_blocks.0.downsamplers.0.conv.weight", {32, 32, 3, 3}},
      {"down_blocks.1.resnets.0.conv_shortcut.weight", {64, 32, 1, 1}},
      {"down_blocks.1.attentions.0.group_norm.weight", {64}},
      {"down_blocks.1.attentions.0.to_q.weight", {64, 64}},
      {"down_blocks.1.attentions.0.to_out.0.bias", {64}},
      {"mid_block.resnets.1.conv2.weight", {64, 64, 3, 3}},
      {"mid_block.attentions.0.to_v.weight", {64, 64}},
      {"up_blocks.0.resnets.0.conv1.weight", {64, 128, 3, 3}},
      {"up_blocks.0.resnets.1.conv1.weight", {64, 96, 3, 3}},
      {"up_blocks.0.upsamplers.0.conv.weight", {64, 64, 3, 3}},
      {"up_blocks.1.resnets.0.conv_shortcut.weight", {32, 96, 1, 1}},
      {"conv_norm_out.weight", {32}},
      {"conv_out.weight", {1, 32, 3, 3}},
  };
  for (const auto& [name, shape] : expected) {
    auto it = params.find(name);
    ASSERT_NE(it, params.end()) << name;
    EXPECT_EQ(it->second.sizes().vec(), shape) << name;
  }
  EXPECT_EQ(params.count("down_blocks.1.downsamplers.0.conv.weight"), 0u);  // last level keeps size
  EXPECT_EQ(params.count("up_blocks.1.upsamplers.0.conv.weight"), 0u);
}

TEST(UNet, EveryConvAndLinearIsAHookedLayerInModuleOrder) {
  UNet model(test::tiny_unet_config());
  const auto& layers = model->layers();
  ASSERT_FALSE(layers.empty());
  EXPECT_EQ(layers.front().path, "conv_in");
  EXPECT_EQ(layers.back().path, "conv_out");
  std::size_t params_in_layers = 0;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    EXPECT_EQ(layers[i].index, static_cast<int>(i));
    params_in_layers += 2;  // weight + bias
  }
  std::size_t weights = 0;
  for (const auto& [name, tensor] : named_parameters_map(*model)) {
    if ((tensor.dim() == 4 || tensor.dim() == 2) && name.find("weight") != std::string::npos)
      ++weights;
  }
  EXPECT_EQ(weights, layers.size());
  EXPECT_GT(params_in_layers, 0u);
}

// Counts calls and lets a test replace the input of one layer.
class CountingHooks : public LayerHooks {
 public:
  at::Tensor on_input(int layer, const at::Tensor& input) override {
    ++inputs[layer];
    return layer == zero_layer ? at::zeros_like(input) : input;
  }
  at::Tensor on_weight(int layer, const at::Tensor& weight) override {
    ++weights[layer];
    return weight;
  }
  std::map<int, int> inputs, weights;
  int zero_layer = -1;
};

TEST(UNet, HooksSeeEveryLayerOnceAndCanChangeTheResult) {
  UNet model(test::tiny_unet_config());
  model->eval();
  const at::Tensor x = at::randn({2, 1, 8, 8});
  const at::Tensor t = at::tensor({3, 700});
  const at::Tensor plain = model->forward(x, t);
  CountingHooks hooks;
  const at::Tensor hooked = model->forward(x, t, &hooks);
  EXPECT_TRUE(at::allclose(plain, hooked));
  EXPECT_EQ(hooks.inputs.size(), model->layers().size());
  for (const auto& [layer, count] : hooks.inputs)
    EXPECT_EQ(count, 1) << model->layers()[layer].path;
  hooks.zero_layer =
      static_cast<int>(model->layers().size()) - 1;  // conv_out sees zeros -> bias only
  const at::Tensor zeroed = model->forward(x, t, &hooks);
  EXPECT_FALSE(at::allclose(plain, zeroed));
}

TEST(UNet, RejectsWrongInputShape) {
  UNet model(test::tiny_unet_config());
  EXPECT_THROW(model->forward(at::randn({2, 3, 8, 8}), at::tensor({1, 2})), ConfigError);
  EXPECT_THROW(model->forward(at::randn({2, 1, 5, 5}), at::tensor({1, 2})), ConfigError);
  EXPECT_THROW(model->forward(at::randn({2, 1, 8, 8}), at::tensor({1, 2, 3})), ConfigError);
}

TEST(UNetConfig, LoadsADiffusersConfigWithExtraFields) {
  const auto json = nlohmann::json::parse(R"({
    "_class_name": "UNet2DModel", "_diffusers_version": "0.21.0",
    "act_fn": "silu", "add_attention": true, "attention_head_dim": null,
    "block_out_channels": [32, 64], "center_input_sample": false, "class_embed_type": null,
    "down_block_types": ["DownBlock2D", "AttnDownBlock2D"], "downsample_padding": 1,
    "downsample_type": "conv", "dropout": 0.1, "flip_sin_to_cos": true, "freq_shift": 0,
    "in_channels": 3, "layers_per_block": 2, "mid_block_scale_factor": 1, "norm_eps": 1e-05,
    "norm_num_groups": 32, "num_class_embeds": null, "out_channels": 3,
    "resnet_time_scale_shift": "default", "sample_size": 16, "time_embedding_type": "positional",
    "up_block_types": ["AttnUpBlock2D", "UpBlock2D"], "upsample_type": "conv"})");
  const UNetConfig config = unet_config_from_json(json);
  EXPECT_EQ(config.in_channels, 3);
  EXPECT_EQ(config.layers_per_block, 2);
  EXPECT_FALSE(config.attention_head_dim.has_value());
  EXPECT_DOUBLE_EQ(config.dropout, 0.1);
  UNet model(config);
  EXPECT_EQ(model->forward(at::randn({1, 3, 16, 16}), at::tensor({5})).sizes(),
            (std::vector<int64_t>{1, 3, 16, 16}));
  // Round trip through our writer gives the same config.
  EXPECT_EQ(unet_config_to_json(unet_config_from_json(unet_config_to_json(config))),
            unet_config_to_json(config));
}

TEST(UNetConfig, RejectsUnsupportedFeaturesNamingTheField) {
  auto base = unet_config_to_json(test::tiny_unet_config());
  auto expect_error = [](nlohmann::json json, const std::string& needle) {
    try {
      unet_config_from_json(json);
      FAIL() << "expected ConfigError mentioning " << needle;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  auto j = base;
  j["time_embedding_type"] = "fourier";
  expect_error(j, "time_embedding_type");
  j = base;
  j["resnet_time_scale_shift"] = "scale_shift";
  expect_error(j, "resnet_time_scale_shift");
  j = base;
  j["layers_per_block"] = "two";
  expect_error(j, "layers_per_block");
  j = base;
  j["down_block_types"] = {"DownBlock2D"};
  expect_error(j, "same length");
  j = base;
  j["norm_num_groups"] = 3;
  expect_error(j, "group");
  j = base;
  j["down_block_types"] = {"CrossAttnDownBlock2D", "DownBlock2D"};
  expect_error(j, "CrossAttnDownBlock2D");
}

TEST(ModelIo, SaveLoadRoundTripIsExact) {
  test::TempDir dir;
  UNet model(test::tiny_unet_config());
  save_model(dir.path(), *model);
  EXPECT_TRUE(std::filesystem::exists(dir / "config.json"));
  const LoadedModel loaded = load_model(dir.path());
  const auto a = named_parameters_map(*model);
  const auto b = named_parameters_map(*loaded.model);
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [name, tensor] : a) EXPECT_TRUE(at::equal(tensor, b.at(name))) << name;
  EXPECT_EQ(loaded.weights_sha256.size(), 64u);
}

TEST(ModelIo, NonFiniteWeightsAreRefusedNamingTheParameter) {
  test::TempDir dir;
  UNet model(test::tiny_unet_config());
  {
    torch::NoGradGuard no_grad;
    named_parameters_map(*model).at("mid_block.resnets.0.conv1.weight")[0][0][0][0] = NAN;
  }
  save_model(dir.path(), *model);
  try {
    load_model(dir.path());
    FAIL() << "a NaN weight was accepted";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("mid_block.resnets.0.conv1.weight"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("NaN or Inf"), std::string::npos) << e.what();
  }
}

TEST(ModelIo, MismatchedWeightsNameTheParameter) {
  test::TempDir dir;
  UNet model(test::tiny_unet_config());
  auto params = named_parameters_map(*model);
  params.erase("conv_out.bias");
  EXPECT_THROW(
      {
        try {
          load_parameters(*model, params, dir / "w.safetensors");
        } catch (const FormatError& e) {
          EXPECT_NE(std::string(e.what()).find("conv_out.bias"), std::string::npos);
          throw;
        }
      },
      FormatError);
  params = named_parameters_map(*model);
  params["conv_in.weight"] = at::zeros({1, 1, 1, 1});
  EXPECT_THROW(load_parameters(*model, params, dir / "w.safetensors"), FormatError);
  params = named_parameters_map(*model);
  params["extra.weight"] = at::zeros({1});
  EXPECT_THROW(load_parameters(*model, params, dir / "w.safetensors"), FormatError);
  EXPECT_THROW(load_model(dir / "missing"), IoError);
}

}  // namespace
}  // namespace tdq
