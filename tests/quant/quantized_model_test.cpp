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

TEST(Placement, WindowBitsAreCheckedAndRoundTrip) {
  UNet model(test::tiny_unet_config());
  QuantConfig config;
  LayerOverride o;
  o.pattern = "up_blocks.*.conv1";
  o.a_bits_windows = {{600, 4, false}, {200, 8, true}, {0, 6, false}};
  config.overrides = {o};
  const auto slots = place_quantizers(model->layers(), config);
  const auto& windows = slot_of(slots, "up_blocks.0.resnets.0.conv1").input_windows;
  ASSERT_EQ(windows.size(), 3u);
  EXPECT_EQ(window_bits_at(windows, 999)->bits, 4);
  EXPECT_EQ(window_bits_at(windows, 600)->bits, 4);
  EXPECT_TRUE(window_bits_at(windows, 599)->fp);
  EXPECT_EQ(window_bits_at(windows, 0)->bits, 6);
  EXPECT_TRUE(slot_of(slots, "down_blocks.0.resnets.0.conv1").input_windows.empty());
  const nlohmann::json json = to_json(config);
  EXPECT_EQ(json.at("overrides")[0].at("a_bits_windows")[1].at("bits"), "fp");
  EXPECT_EQ(to_json(quant_config_from_json(json)), json);

  const auto refused = [&](QuantConfig c, const std::string& text) {
    try {
      place_quantizers(model->layers(), c);
      FAIL() << "accepted; expected: " << text;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
  };
  QuantConfig bad = config;
  bad.overrides[0].a_bits_windows[2].t_min = 10;
  refused(bad, "t_min 0");
  bad = config;
  std::swap(bad.overrides[0].a_bits_windows[0], bad.overrides[0].a_bits_windows[1]);
  refused(bad, "fall from entry to entry");
  bad = config;
  bad.overrides[0].a_bits_windows[0].bits = 9;
  refused(bad, "a_bits_windows[0].bits");
  bad = config;
  bad.overrides[0].a_bits = 4;
  refused(bad, "gives the input bits twice");
  bad = config;
  bad.method = QuantMethod::Tdq;
  refused(bad, "bits per time window need a PTQ method");
  // The one-line text form (the experiment panel's cell) reads back what it wrote.
  EXPECT_EQ(format_window_bits(o.a_bits_windows), "600:4 200:fp 0:6");
  EXPECT_EQ(to_json(parse_window_bits("600:4 200:fp  0:6", "cell")), to_json(o.a_bits_windows));
  for (const char* text : {"", "600", "600:", ":4", "600:4x", "6OO:4", "600:8,0:4"})
    EXPECT_THROW(parse_window_bits(text, "cell"), ConfigError) << text;
  nlohmann::json words = json;
  words["overrides"][0]["a_bits_windows"][0]["bits"] = "six";
  EXPECT_THROW(quant_config_from_json(words), ConfigError);
}

using test::QuantizedTwin;

// Bits per time window: at each t the twin quantizes as a twin with that window's bits (the
// calibrated interval rescaled to cover the same range), an FP window passes the input through,
// and one batch whose samples sit in different windows gives each sample its window's bits.
TEST_F(QuantizedTwin, WindowBitsFollowTime) {
  for (QuantMethod method : {QuantMethod::MinMax, QuantMethod::Table, QuantMethod::Dynamic}) {
    SCOPED_TRACE(to_string(method));
    const auto with = [&](LayerOverride o) {
      QuantConfig config;
      config.method = method;
      o.pattern = "*.resnets.*.conv*";
      config.overrides = {o};
      auto twin = std::make_unique<QuantizedModel>(*model, config);
      if (method != QuantMethod::Dynamic) calibrate(*model, *twin, schedule, calibration(5));
      return twin;
    };
    LayerOverride windows, four, fp;
    windows.a_bits_windows = {{500, 4, false}, {300, 8, true}, {0, 8, false}};
    four.a_bits = 4;
    fp.a_fp = true;
    const auto windowed = with(windows), at4 = with(four), at8 = with({}), at_fp = with(fp);
    at::NoGradGuard no_grad;
    const at::Tensor x = seeded_noise({4, 1, 8, 8}, 9, c10::kCPU);
    const auto out = [&](QuantizedModel& twin, const at::Tensor& ts) {
      return model->forward(x, ts, &twin);
    };
    const auto all = [](std::int64_t t) { return at::full({4}, t, at::kLong); };
    // t 200: 8 bits, the calibrated interval itself.
    EXPECT_TRUE(at::equal(out(*windowed, all(200)), out(*at8, all(200))));
    EXPECT_TRUE(at::equal(out(*windowed, all(400)), out(*at_fp, all(400))));
    // t 800: 4 bits from the 8-bit interval, as close to the 4-bit twin as float rounding allows.
    const auto mse = [](const at::Tensor& a, const at::Tensor& b) {
      return (a - b).pow(2).mean().item<double>();
    };
    const at::Tensor w800 = out(*windowed, all(800)), f800 = out(*at4, all(800));
    EXPECT_LT(mse(w800, f800), 1e-3 * mse(out(*at8, all(800)), f800));
    const int layer = slot_of(windowed->slots(), "up_blocks.0.resnets.0.conv1").layer;
    if (method != QuantMethod::Dynamic) {
      EXPECT_NEAR(windowed->activation_scale(layer, 800), at4->activation_scale(layer, 800),
                  1e-6 * at4->activation_scale(layer, 800));
      EXPECT_EQ(windowed->activation_grid(layer, 800).bits, 4);
      EXPECT_EQ(windowed->activation_scale(layer, 400), 0.0);  // FP there
    }
    // Samples at 800, 200, 800, 200 in one batch: each as in its own batch. (Not the table: its
    // other layers take the batch's first t, as at sampling, where one t serves the batch.)
    if (method == QuantMethod::Table) continue;
    const at::Tensor mixed = out(*windowed, at::tensor({800, 200, 800, 200}, at::kLong));
    const at::Tensor at200 = out(*windowed, all(200));
    for (std::int64_t i : {0, 2}) EXPECT_TRUE(at::allclose(mixed[i], w800[i], 1e-5, 1e-6)) << i;
    for (std::int64_t i : {1, 3}) EXPECT_TRUE(at::allclose(mixed[i], at200[i], 1e-5, 1e-6)) << i;
  }
}

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
  // Bits per window are placed from quant_config and listed per layer in run.json.
  QuantConfig windowed = config;
  windowed.overrides = {{"mid_block.*", std::nullopt, std::nullopt, false}};
  windowed.overrides[0].a_bits_windows = {{500, 4, false}, {0, 8, false}};
  QuantizedModel windowed_twin(*loaded.model, windowed);
  calibrate(*loaded.model, windowed_twin, schedule, calibration());
  const auto windowed_run = write_quantize_run(loaded, windowed_twin, {}, {}, dir / "windowed");
  EXPECT_TRUE(read_run_json(windowed_run).at("layers").dump().find("a_bits_windows") !=
              std::string::npos);
  EXPECT_EQ(slot_of(load_quantize_run(windowed_run, loaded)->slots(), "mid_block.resnets.0.conv1")
                .input_windows.size(),
            2u);

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
