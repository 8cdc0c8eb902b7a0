#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/diffusion/generate.h"
#include "core/quant/quant_run.h"
#include "core/quant/quantized_model.h"
#include "core/run/run_folder.h"
#include "tests/support/quant_fixture.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_models.h"

namespace tdq {
namespace {

using test::slot_of;

TEST(Placement, DefaultSkipListAndSiluGrids) {
  UNet model(test::tiny_unet_config());
  const auto slots = place_quantizers(model->layers(), QuantConfig{});
  EXPECT_FALSE(slot_of(slots, "conv_in").quantized);
  EXPECT_FALSE(slot_of(slots, "conv_out").quantized);
  EXPECT_FALSE(slot_of(slots, "time_embedding.linear_1").quantized);
  EXPECT_FALSE(slot_of(slots, "down_blocks.0.resnets.0.time_emb_proj").quantized);
  EXPECT_TRUE(slot_of(slots, "down_blocks.0.resnets.0.conv1").quantized);
  EXPECT_EQ(slot_of(slots, "down_blocks.0.resnets.0.conv1").input_grid,
            kernels::GridKind::Unsigned);
  EXPECT_EQ(slot_of(slots, "down_blocks.0.resnets.0.conv2").input_grid,
            kernels::GridKind::Unsigned);
  EXPECT_EQ(slot_of(slots, "down_blocks.1.resnets.0.conv_shortcut").input_grid,
            kernels::GridKind::Symmetric);
  EXPECT_EQ(slot_of(slots, "down_blocks.1.attentions.0.to_q").input_grid,
            kernels::GridKind::Symmetric);
  QuantConfig asym;
  asym.grid = GridChoice::Asymmetric;
  EXPECT_EQ(
      slot_of(place_quantizers(model->layers(), asym), "down_blocks.0.resnets.0.conv1").input_grid,
      kernels::GridKind::Asymmetric);
}

TEST(Placement, OverridesAndBadPatterns) {
  UNet model(test::tiny_unet_config());
  QuantConfig config;
  config.w_bits = 4;
  config.a_bits = 4;
  config.overrides = {{"up_blocks.*.conv1", std::nullopt, 8, false},
                      {"mid_block.*", std::nullopt, std::nullopt, true},
                      {"conv_in", 6, 6, false}};
  const auto slots = place_quantizers(model->layers(), config);
  EXPECT_EQ(slot_of(slots, "up_blocks.0.resnets.0.conv1").a_bits, 8);
  EXPECT_EQ(slot_of(slots, "up_blocks.0.resnets.0.conv1").w_bits, 4);
  EXPECT_FALSE(slot_of(slots, "mid_block.resnets.0.conv1").quantized);
  EXPECT_TRUE(slot_of(slots, "conv_in").quantized);  // an explicit override beats the skip list
  EXPECT_EQ(slot_of(slots, "conv_in").w_bits, 6);

  config.overrides = {{"nowhere.*", 4, 4, false}};
  EXPECT_THROW(place_quantizers(model->layers(), config), ConfigError);
  config.overrides.clear();
  config.a_bits = 9;
  EXPECT_THROW(place_quantizers(model->layers(), config), ConfigError);
  config.a_bits = 1;
  EXPECT_THROW(place_quantizers(model->layers(), config), ConfigError);
}

TEST(QuantConfigJson, RoundTripAndMissingKey) {
  QuantConfig config;
  config.method = QuantMethod::Table;
  config.w_bits = 4;
  config.table_groups = 5;
  config.overrides = {{"mid_block.*", 8, std::nullopt, false}};
  const nlohmann::json json = to_json(config);
  EXPECT_EQ(to_json(quant_config_from_json(json)), json);
  nlohmann::json broken = json;
  broken.erase("a_bits");
  try {
    quant_config_from_json(broken);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("a_bits"), std::string::npos);
  }
  broken = json;
  broken["method"] = "magic";
  EXPECT_THROW(quant_config_from_json(broken), ConfigError);
}

using test::QuantizedTwin;

TEST_F(QuantizedTwin, MoreBitsMeanLessErrorAndTheFpModelIsUntouched) {
  const auto before = named_parameters_map(*model);
  std::map<std::string, at::Tensor> copy;
  for (const auto& [name, t] : before) copy[name] = t.clone();
  QuantConfig w8a8, w4a4;
  w4a4.w_bits = w4a4.a_bits = 4;
  QuantizedModel twin8(*model, w8a8), twin4(*model, w4a4);
  calibrate(*model, twin8, schedule, calibration());
  calibrate(*model, twin4, schedule, calibration());
  const double e8 = error_vs_fp(twin8), e4 = error_vs_fp(twin4);
  EXPECT_GT(e8, 0.0);
  EXPECT_LT(e8 * 10, e4) << e8 << " vs " << e4;
  for (const auto& [name, t] : named_parameters_map(*model))
    EXPECT_TRUE(at::equal(t, copy.at(name))) << name;
}

TEST_F(QuantizedTwin, DynamicNeedsNoCalibrationAndStaticDoes) {
  QuantConfig dynamic;
  dynamic.method = QuantMethod::Dynamic;
  dynamic.a_bits = 6;
  QuantizedModel twin(*model, dynamic);
  EXPECT_GT(error_vs_fp(twin), 0.0);
  QuantizedModel uncalibrated(*model, QuantConfig{});
  EXPECT_THROW(error_vs_fp(uncalibrated), Error);
}

TEST_F(QuantizedTwin, TableHasOneIntervalPerStepAndCountsFallbacks) {
  QuantConfig config;
  config.method = QuantMethod::Table;
  config.a_bits = 6;
  QuantizedModel twin(*model, config);
  calibrate(*model, twin, schedule, calibration(5));  // t = 800, 600, 400, 200, 0
  const int layer = slot_of(twin.slots(), "down_blocks.0.resnets.0.conv1").layer;
  EXPECT_NE(twin.activation_scale(layer, 800), twin.activation_scale(layer, 0));
  EXPECT_EQ(twin.activation_scale(layer, 790), twin.activation_scale(layer, 800));  // nearest
  twin.set_timestep(400);
  EXPECT_EQ(twin.fallbacks(), 0);
  twin.set_timestep(401);
  EXPECT_EQ(twin.fallbacks(), 1);

  QuantConfig one_group = config;
  one_group.table_groups = 1;
  QuantizedModel shared(*model, one_group);
  calibrate(*model, shared, schedule, calibration(5));
  EXPECT_EQ(shared.activation_scale(layer, 800), shared.activation_scale(layer, 0));
}

TEST_F(QuantizedTwin, RunFolderRoundTripIsBitIdentical) {
  test::TempDir dir;
  const auto model_dir = dir / "model";
  save_model(model_dir, *model);
  LoadedModel loaded = load_model(model_dir);
  QuantConfig config;
  config.method = QuantMethod::Table;
  config.w_bits = config.a_bits = 5;
  config.weight_per_channel = true;
  QuantizedModel twin(*loaded.model, config);
  calibrate(*loaded.model, twin, schedule, calibration());
  const auto run = write_quantize_run(loaded, twin, {{"set", "test"}}, {}, dir / "run");
  EXPECT_TRUE(std::filesystem::exists(run / "run.json"));
  EXPECT_FALSE(std::filesystem::exists(dir / "run.tmp"));
  auto reloaded = load_quantize_run(run, loaded);

  GenerateOptions options;
  options.count = 2;
  options.sampler.steps = 5;
  const at::Tensor a = generate_samples(*loaded.model, schedule, options, c10::kCPU, {}, &twin);
  const at::Tensor b =
      generate_samples(*loaded.model, schedule, options, c10::kCPU, {}, reloaded.get());
  EXPECT_TRUE(at::equal(a, b));

  // Another model (different weights) must not silently use this run.
  UNet other(test::tiny_unet_config());
  save_model(dir / "other", *other);
  EXPECT_THROW(load_quantize_run(run, load_model(dir / "other")), ConfigError);
  // An existing run is never overwritten.
  EXPECT_THROW(write_quantize_run(loaded, twin, {{"set", "test"}}, {}, run), IoError);

  // A run.json whose layer list disagrees with its quant_config (edited bits) is refused, naming
  // the layer.
  nlohmann::json edited = read_run_json(run);
  const std::string path = edited.at("layers").at(3).at("path");
  edited["layers"][3]["w_bits"] = 8;
  write_file_atomic(run / "run.json", edited.dump());
  try {
    load_quantize_run(run, loaded);
    FAIL() << "edited bits were accepted";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(RunFolder, AbandonedWriterLeavesNothingAndUnknownSchemaIsRefused) {
  test::TempDir dir;
  {
    RunFolderWriter writer(dir / "run");
    writer.write_json("run.json", {{"schema_version", 1}});
    EXPECT_TRUE(std::filesystem::exists(dir / "run.tmp" / "run.json"));
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "run.tmp"));
  EXPECT_FALSE(std::filesystem::exists(dir / "run"));
  {
    RunFolderWriter writer(dir / "future");
    writer.write_json("run.json", {{"schema_version", 99}});
    writer.commit();
  }
  try {
    read_run_json(dir / "future");
    FAIL();
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("schema_version 99"), std::string::npos);
  }
  EXPECT_THROW(read_run_json(dir / "missing"), IoError);
}

TEST(Calibration, NanActivationNamesTheLayer) {
  UNet model(test::tiny_unet_config());
  {
    at::NoGradGuard no_grad;
    named_parameters_map(*model).at("conv_in.bias")[0] = std::nan("");
  }
  QuantizedModel twin(*model, QuantConfig{});
  CalibrationOptions options;
  options.samples = 1;
  options.sampler.steps = 2;
  try {
    calibrate(*model, twin, linear_schedule(), options);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("down_blocks.0.resnets.0"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tdq

namespace tdq {
namespace {

// Runs quantized on a GPU by earlier builds hold weight steps one ulp off the CPU's (CUDA divides
// through the reciprocal): they load, with their own steps; a step off by more is another model.
TEST_F(QuantizedTwin, AWeightStepOneUlpOffLoadsWithItsOwnStepAndOtherWeightsAreRefused) {
  QuantConfig config;
  config.method = QuantMethod::MinMax;
  config.w_bits = config.a_bits = 4;
  QuantizedModel twin(*model, config);
  calibrate(*model, twin, schedule, calibration());
  const int layer = test::first_quantized_layer(twin);
  const std::string key = "weight." + twin.slots()[static_cast<std::size_t>(layer)].path + ".scale";
  auto state = twin.state();
  const at::Tensor exact = state.at(key).clone();
  state[key] = at::nextafter(exact, exact * 2);
  QuantizedModel reloaded(*model, config);
  ASSERT_NO_THROW(reloaded.load_state(state));
  EXPECT_TRUE(at::equal(reloaded.state().at(key), state.at(key)));
  EXPECT_FALSE(at::equal(reloaded.state().at(key), exact));

  state[key] = exact * 1.001;
  QuantizedModel refused(*model, config);
  EXPECT_THROW(refused.load_state(state), ConfigError);
}

}  // namespace
}  // namespace tdq
