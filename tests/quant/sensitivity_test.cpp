// Per-layer x time-window sensitivity (core/sensitivity): masks, measurement, resume, run folder.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/common/file_io.h"
#include "core/diffusion/generate.h"
#include "core/model/safetensors.h"
#include "core/sensitivity/layer_mask_hooks.h"
#include "core/sensitivity/sensitivity.h"
#include "core/sensitivity/sensitivity_run.h"
#include "tests/support/quant_fixture.h"
#include "tests/support/temp_dir.h"

namespace tdq {
namespace {

class Sensitivity : public test::QuantizedTwin {
 protected:
  std::unique_ptr<QuantizedModel> twin(int bits, std::vector<LayerOverride> overrides = {}) {
    QuantConfig config;
    config.w_bits = config.a_bits = bits;
    config.overrides = std::move(overrides);
    auto t = std::make_unique<QuantizedModel>(*model, config);
    calibrate(*model, *t, schedule, calibration(4));
    return t;
  }
  // Features that are the image times 2: their squared distance per dimension is 4 x the pixel
  // MSE, so the feature errors can be checked against the pixel ones.
  class DoubledImage : public FeatureExtractor {
   public:
    FeatureBatch extract(const at::Tensor& images) override {
      ++calls;
      return {images.flatten(1).cpu() * 2, at::Tensor()};
    }
    std::string name() const override { return "doubled"; }
    std::string sha256() const override { return "0"; }
    std::string cache_key() const override { return "doubled"; }
    std::int64_t dim() const override { return 0; }
    int calls = 0;
  };
  static SensitivityOptions options() {
    SensitivityOptions o;
    o.count = 3;
    o.batch_size = 2;  // two batches: sample i keeps its noise whatever the batch size
    o.seeds = {0, 1};
    o.sampler.steps = 4;
    o.windows = 2;
    return o;
  }
};

TEST_F(Sensitivity, MasksSelectTheTwinPerLayerAndTensor) {
  const auto t = twin(4);
  const std::size_t layers = model->layers().size();
  LayerMaskHooks all(*t, std::vector<char>(layers, 1), std::vector<char>(layers, 1));
  LayerMaskHooks none(*t, std::vector<char>(layers, 0), std::vector<char>(layers, 0));
  EXPECT_DOUBLE_EQ(error_vs_fp(all), error_vs_fp(*t));
  EXPECT_EQ(error_vs_fp(none), 0.0);
  std::vector<char> one(layers, 0);
  one[static_cast<std::size_t>(test::first_quantized_layer(*t))] = 1;
  LayerMaskHooks weight(*t, one, std::vector<char>(layers, 0));
  LayerMaskHooks input(*t, std::vector<char>(layers, 0), one);
  EXPECT_GT(error_vs_fp(weight), 0.0);
  EXPECT_GT(error_vs_fp(input), 0.0);
  EXPECT_LT(error_vs_fp(weight), error_vs_fp(*t));
}

TEST_F(Sensitivity, AnFpOverrideKeepsOnlyThatTensorFp) {
  const auto full = twin(4);
  const int layer = test::first_quantized_layer(*full);
  const std::size_t layers = model->layers().size();
  std::vector<char> all(layers, 0);
  for (const auto& slot : full->slots()) all[static_cast<std::size_t>(slot.layer)] = slot.quantized;
  for (const bool weight : {true, false}) {
    LayerOverride fp;
    fp.pattern = full->slots()[static_cast<std::size_t>(layer)].path;
    (weight ? fp.w_fp : fp.a_fp) = true;
    const auto partial = twin(4, {fp});
    const auto& slot = partial->slots()[static_cast<std::size_t>(layer)];
    EXPECT_TRUE(slot.quantized);
    EXPECT_EQ(slot.weight_fp, weight);
    EXPECT_EQ(slot.input_fp, !weight);
    std::vector<char> without = all;
    without[static_cast<std::size_t>(layer)] = 0;
    LayerMaskHooks expected(*full, weight ? without : all, weight ? all : without);
    EXPECT_DOUBLE_EQ(error_vs_fp(*partial), error_vs_fp(expected));
    EXPECT_NE(error_vs_fp(*partial), error_vs_fp(*full));
    // The config round-trips through JSON, and bits with FP for one tensor are refused.
    EXPECT_EQ(quant_config_from_json(to_json(partial->config())).overrides.at(0).w_fp, weight);
  }
  LayerOverride both;
  both.pattern = full->slots()[static_cast<std::size_t>(layer)].path;
  both.w_fp = true;
  both.w_bits = 4;
  QuantConfig config;
  config.overrides = {both};
  EXPECT_THROW(place_quantizers(model->layers(), config), ConfigError);
}

TEST_F(Sensitivity, TimeWindowsSplitTheScheduleEvenly) {
  const std::vector<std::int64_t> ts = {900, 800, 700, 600, 500, 400, 300};
  const auto w = time_windows(ts, 3);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].first_step, 0);
  EXPECT_EQ(w[0].last_step, 1);
  EXPECT_EQ(w[1].first_step, 2);
  EXPECT_EQ(w[2].last_step, 6);
  EXPECT_EQ(w[2].t_first, 500);
  EXPECT_EQ(w[2].t_last, 300);
  for (std::int64_t bad : {0, 8}) {
    try {
      time_windows(ts, bad);
      FAIL() << bad;
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.field(), "sensitivity.windows");
    }
  }
}

TEST_F(Sensitivity, MeasuresDamagePerLayerBitsAndWindow) {
  const auto w4 = twin(4), w8 = twin(8);
  const SensitivityResult r =
      measure_sensitivity(*model, {w4.get(), w8.get()}, schedule, options());
  const auto rows = static_cast<std::int64_t>(r.layers.size());
  EXPECT_EQ(r.weight_bits, (std::vector<int>{4, 8}));
  EXPECT_EQ(r.input_twin, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(r.weight_damage.sizes(), at::IntArrayRef({2, 2, rows, 2}));
  EXPECT_EQ(r.keep_fp_gain.sizes(), at::IntArrayRef({2, rows, 2}));
  EXPECT_EQ(r.layers_done, rows);
  for (const auto& l : r.layers) {
    EXPECT_GT(l.parameters, 0);
    EXPECT_GT(l.input_elements, 0) << l.path;
  }
  // More bits damage less, for the model and for the layers together.
  EXPECT_GT(r.twin_error.select(1, 0).mean().item<double>(),
            r.twin_error.select(1, 1).mean().item<double>());
  EXPECT_GT(r.weight_damage.select(1, 0).sum().item<double>(),
            r.weight_damage.select(1, 1).sum().item<double>());
  EXPECT_GT(r.input_damage.select(1, 0).sum().item<double>(),
            r.input_damage.select(1, 1).sum().item<double>());
  EXPECT_TRUE(at::isfinite(r.keep_fp_gain).all().item<bool>());
  // Seeds are other noise: their damages differ.
  EXPECT_FALSE(at::equal(r.weight_damage.select(0, 0), r.weight_damage.select(0, 1)));
}

// The final-sample error of a twin from step `first` on, recomputed from scratch: the whole
// sampler with FP before it, against FP everywhere, per element over every batch.
double final_error_by_hand(UNetImpl& model, QuantizedModel& twin, const NoiseSchedule& schedule,
                           const SensitivityOptions& o, std::uint64_t seed, std::int64_t first) {
  at::NoGradGuard no_grad;
  const at::Tensor noise = seeded_noise({o.count, 1, 8, 8}, seed, c10::kCPU);
  double sum = 0;
  for (std::int64_t b = 0; b * o.batch_size < o.count; ++b) {
    const at::Tensor x =
        noise.narrow(0, b * o.batch_size, std::min(o.batch_size, o.count - b * o.batch_size));
    const auto fp = [&](const at::Tensor& xt, const at::Tensor& t) { return model.forward(xt, t); };
    std::int64_t k = 0;
    const auto mixed = [&](const at::Tensor& xt, const at::Tensor& t) {
      const std::int64_t step = k++;
      return model.forward(xt, t, step >= first ? &twin : nullptr);
    };
    const at::Tensor a = run_sampler(fp, schedule, o.sampler, x, batch_noise_seed(seed, b));
    const at::Tensor q = run_sampler(mixed, schedule, o.sampler, x, batch_noise_seed(seed, b));
    sum += (q - a).to(at::kDouble).pow(2).sum().item<double>();
  }
  return sum / static_cast<double>(noise.numel());
}

TEST_F(Sensitivity, FinalErrorsQuantizeFromEachWindowToTheLastSample) {
  const auto w4 = twin(4);
  SensitivityOptions o = options();
  o.per_layer = false;
  const SensitivityResult r = measure_sensitivity(*model, {w4.get()}, schedule, o);
  ASSERT_EQ(r.twin_final_error.sizes(), at::IntArrayRef({2, 1, 2}));
  ASSERT_EQ(r.twin_sample_error.sizes(), at::IntArrayRef({2, 1}));
  for (std::int64_t s = 0; s < 2; ++s) {
    const std::uint64_t seed = o.seeds[static_cast<std::size_t>(s)];
    for (std::int64_t w = 0; w < 2; ++w) {
      const auto& window = r.windows[static_cast<std::size_t>(w)];
      EXPECT_NEAR(r.twin_final_error[s][0][w].item<double>(),
                  final_error_by_hand(*model, *w4, schedule, o, seed, window.first_step), 1e-12)
          << "seed " << seed << " window " << w;
    }
    // In every step: what `tdq sample --quant` gives against FP from the same noise.
    EXPECT_NEAR(r.twin_sample_error[s][0].item<double>(),
                final_error_by_hand(*model, *w4, schedule, o, seed, 0), 1e-12);
    EXPECT_GT(r.twin_sample_error[s][0].item<double>(), 0.0);
  }
  // Per sample: [seeds, twins, count], their mean the error in every step; no feature errors
  // without a feature network.
  ASSERT_EQ(r.twin_sample_errors.sizes(), at::IntArrayRef({2, 1, 3}));
  EXPECT_TRUE(at::allclose(r.twin_sample_errors.mean(2), r.twin_sample_error, 1e-12, 1e-15));
  EXPECT_GT(r.twin_sample_errors.max().item<double>(), r.twin_sample_errors.min().item<double>());
  EXPECT_FALSE(r.twin_feature_errors.defined());
  DoubledImage features;
  SensitivityOptions with_features = o;
  with_features.features = &features;
  const SensitivityResult f = measure_sensitivity(*model, {w4.get()}, schedule, with_features);
  EXPECT_TRUE(at::allclose(f.twin_feature_errors, 4 * r.twin_sample_errors, 1e-9, 1e-15));
  EXPECT_EQ(features.calls, 2 * 2 * 2);  // seeds x batches x (FP + twin)
  // The gains: each window's share of the final error over its local error, seed means; the
  // shares add up to the final error in every step.
  const auto gains = window_gains(r, 0);
  ASSERT_EQ(gains.size(), 2u);
  const double from0 = r.twin_final_error.select(2, 0).mean().item<double>();
  const double from1 = r.twin_final_error.select(2, 1).mean().item<double>();
  const double local0 = r.twin_error.select(2, 0).mean().item<double>();
  const double local1 = r.twin_error.select(2, 1).mean().item<double>();
  ASSERT_GT(from0, from1);
  EXPECT_DOUBLE_EQ(gains[0], (from0 - from1) / local0);
  EXPECT_DOUBLE_EQ(gains[1], from1 / local1);
  EXPECT_NEAR(gains[0] * local0 + gains[1] * local1, r.twin_sample_error.mean().item<double>(),
              1e-12);
  // Without final errors the tensors stay undefined and the gains are refused.
  o.final_errors = false;
  const SensitivityResult local = measure_sensitivity(*model, {w4.get()}, schedule, o);
  EXPECT_FALSE(local.twin_final_error.defined());
  EXPECT_TRUE(at::equal(local.twin_error, r.twin_error));
  EXPECT_THROW(window_gains(local, 0), ConfigError);
  // Without them per window (one sampling per twin): the same errors in every step, no per-window
  // errors to take gains from.
  o.final_errors = true;
  o.final_per_window = false;
  const SensitivityResult whole = measure_sensitivity(*model, {w4.get()}, schedule, o);
  EXPECT_FALSE(whole.twin_final_error.defined());
  EXPECT_TRUE(at::allclose(whole.twin_sample_error, r.twin_sample_error, 1e-12, 1e-15));
  EXPECT_TRUE(at::allclose(whole.twin_sample_errors, r.twin_sample_errors, 1e-12, 1e-15));
  EXPECT_THROW(window_gains(whole, 0), ConfigError);
}

TEST_F(Sensitivity, KeepFpGainIsTheErrorRemovedBySkippingTheLayer) {
  const auto base = twin(4);
  const SensitivityResult r = measure_sensitivity(*model, {base.get()}, schedule, options());
  const std::size_t row = r.layers.size() / 2;
  // The same config with that layer skipped: MinMax calibrates every other layer identically.
  LayerOverride skip;
  skip.pattern = r.layers[row].path;
  skip.skip = true;
  const auto without = twin(4, {skip});
  SensitivityOptions whole = options();
  whole.per_layer = false;
  const SensitivityResult w =
      measure_sensitivity(*model, {base.get(), without.get()}, schedule, whole);
  const at::Tensor expected = w.twin_error.select(1, 0) - w.twin_error.select(1, 1);
  EXPECT_TRUE(at::allclose(r.keep_fp_gain.select(1, static_cast<std::int64_t>(row)), expected, 1e-9,
                           1e-15));
  EXPECT_TRUE(at::equal(r.twin_error.select(1, 0), w.twin_error.select(1, 0)));
}

TEST_F(Sensitivity, ResumesFromTheCheckpointToTheSameResult) {
  const test::TempDir dir;
  const auto w4 = twin(4), w6 = twin(6);
  const std::vector<QuantizedModel*> twins = {w4.get(), w6.get()};
  const SensitivityResult whole = measure_sensitivity(*model, twins, schedule, options());
  const auto checkpoint = dir / "run.checkpoint.safetensors";
  std::int64_t reports = 0;
  EXPECT_THROW(measure_sensitivity(*model, twins, schedule, options(), checkpoint,
                                   [&](const ProgressInfo&) { return ++reports < 3; }),
               CancelledError);
  ASSERT_TRUE(std::filesystem::exists(checkpoint));
  std::int64_t first = -1;
  const SensitivityResult resumed = measure_sensitivity(*model, twins, schedule, options(),
                                                        checkpoint, [&](const ProgressInfo& p) {
                                                          if (first < 0) first = p.done;
                                                          return true;
                                                        });
  EXPECT_EQ(first, 3);  // the twins and the first two layers were not measured again
  EXPECT_TRUE(at::equal(resumed.weight_damage, whole.weight_damage));
  EXPECT_TRUE(at::equal(resumed.input_damage, whole.input_damage));
  EXPECT_TRUE(at::equal(resumed.keep_fp_gain, whole.keep_fp_gain));
  // Other settings do not resume it.
  SensitivityOptions other = options();
  other.seeds = {5, 6};
  try {
    measure_sensitivity(*model, twins, schedule, other, checkpoint);
    FAIL() << "resumed another measurement";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "sensitivity.checkpoint");
  }
}

TEST_F(Sensitivity, RefusesRunsThatDisagreeOnLayersOrBits) {
  const auto base = twin(4);
  LayerOverride skip, bits;
  skip.pattern = bits.pattern =
      base->slots()[static_cast<std::size_t>(test::first_quantized_layer(*base))].path;
  skip.skip = true;
  bits.w_bits = 6;
  for (const auto& other : {twin(8, {skip}), twin(8, {bits})}) {
    try {
      measure_sensitivity(*model, {base.get(), other.get()}, schedule, options());
      FAIL() << "accepted";
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.field(), "sensitivity.quant");
      EXPECT_NE(e.reason().find(skip.pattern), std::string::npos) << e.what();
    }
  }
  SensitivityOptions no_seeds = options();
  no_seeds.seeds.clear();
  EXPECT_THROW(measure_sensitivity(*model, {base.get()}, schedule, no_seeds), ConfigError);
}

TEST_F(Sensitivity, RunFolderRoundTripsAndRefusesDamage) {
  const test::TempDir dir;
  const auto w4 = twin(4);
  SensitivityRun run;
  run.model_dir = "tiny";
  run.model_sha256 = "abc";
  run.quant_runs = {"runs/w4"};
  run.base_config = w4->config();
  run.options = options();
  run.result = measure_sensitivity(*model, {w4.get()}, schedule, run.options);
  const auto written = write_sensitivity_run(run, dir / "sens");
  const SensitivityRun back = read_sensitivity_run(written);
  EXPECT_TRUE(at::equal(back.result.weight_damage, run.result.weight_damage));
  EXPECT_TRUE(at::equal(back.result.keep_fp_gain, run.result.keep_fp_gain));
  EXPECT_TRUE(at::equal(back.result.twin_final_error, run.result.twin_final_error));
  EXPECT_TRUE(at::equal(back.result.twin_sample_error, run.result.twin_sample_error));
  EXPECT_TRUE(at::equal(back.result.twin_sample_errors, run.result.twin_sample_errors));
  EXPECT_FALSE(back.result.twin_feature_errors.defined());
  EXPECT_TRUE(back.options.final_errors);
  EXPECT_EQ(back.result.layers.size(), run.result.layers.size());
  EXPECT_EQ(back.result.layers[1].input_elements, run.result.layers[1].input_elements);
  EXPECT_EQ(back.options.seeds, run.options.seeds);
  EXPECT_EQ(back.base_config.w_bits, 4);
  EXPECT_TRUE(std::filesystem::exists(written / "tables" / "sensitivity.csv"));
  // What the views draw: seed means per (layer, window), per kind and bits.
  const SensitivitySummary summary = summarize_sensitivity(back);
  // weight 4, input 4, keep_fp_gain, and both at the final sample
  ASSERT_EQ(summary.matrices.size(), 5u);
  EXPECT_EQ(summary.matrices[4].kind, "input_final");
  const auto rows = run.result.layers.size();
  EXPECT_EQ(summary.matrices[0].mean.size(), rows * 2);
  EXPECT_DOUBLE_EQ(
      summary.matrices[1].mean[3],
      run.result.input_damage.select(1, 0).select(1, 1).select(1, 1).mean().item<double>());
  EXPECT_DOUBLE_EQ(summary.matrices[0].layer_mean[2], mean_damage(run.result.weight_damage, 0, 2));
  // The per-window additive model: a layer's window shares add up to its mean, and each share is
  // the window's seed mean over the window count.
  const auto windows = static_cast<std::int64_t>(run.result.windows.size());
  ASSERT_GE(windows, 2);
  double shares = 0.0;
  for (std::int64_t w = 0; w < windows; ++w)
    shares += mean_window_damage(run.result.input_damage, 0, 1, w);
  EXPECT_NEAR(shares, mean_damage(run.result.input_damage, 0, 1), 1e-12);
  EXPECT_DOUBLE_EQ(mean_window_damage(run.result.input_damage, 0, 1, 1),
                   summary.matrices[1].mean[3] / static_cast<double>(windows));
  EXPECT_EQ(summary.twin_error.size(), 1u);
  // A run measured before final errors existed (no final_errors in run.json, no tensors) reads
  // without them.
  {
    SensitivityRun old = run;
    old.options.final_errors = false;
    old.result.twin_final_error = old.result.twin_sample_error = at::Tensor();
    old.result.twin_sample_errors = at::Tensor();
    const auto old_dir = write_sensitivity_run(old, dir / "old");
    auto json = nlohmann::json::parse(read_file_bytes(old_dir / "run.json"));
    json.erase("final_errors");
    write_file_atomic(old_dir / "run.json", json.dump());
    const SensitivityRun back_old = read_sensitivity_run(old_dir);
    EXPECT_FALSE(back_old.options.final_errors);
    EXPECT_FALSE(back_old.result.twin_final_error.defined());
    EXPECT_FALSE(back_old.result.twin_sample_errors.defined());
  }
  // Final errors in every step only (--no-window-finals) round-trip without per-window ones.
  {
    SensitivityRun whole = run;
    whole.options.final_per_window = false;
    whole.result.twin_final_error = at::Tensor();
    const SensitivityRun back_whole =
        read_sensitivity_run(write_sensitivity_run(whole, dir / "whole"));
    EXPECT_TRUE(back_whole.options.final_errors);
    EXPECT_FALSE(back_whole.options.final_per_window);
    EXPECT_FALSE(back_whole.result.twin_final_error.defined());
    EXPECT_TRUE(at::equal(back_whole.result.twin_sample_error, run.result.twin_sample_error));
    EXPECT_EQ(summarize_sensitivity(back_whole).matrices.size(), 3u);  // no final matrices
  }
  EXPECT_TRUE(back.options.final_per_window);
  // Feature errors round-trip; per-sample errors of another shape are refused, naming them.
  {
    SensitivityRun features = run;
    features.result.twin_feature_errors = run.result.twin_sample_errors * 4;
    const auto features_dir = write_sensitivity_run(features, dir / "features");
    const SensitivityRun back_features = read_sensitivity_run(features_dir);
    EXPECT_TRUE(
        at::equal(back_features.result.twin_feature_errors, features.result.twin_feature_errors));
    auto tensors = read_safetensors(features_dir / "sensitivity.safetensors").tensors;
    tensors["twin_feature_errors"] = at::zeros({2, 1, 2}, at::kDouble);
    write_safetensors(features_dir / "sensitivity.safetensors", tensors);
    try {
      read_sensitivity_run(features_dir);
      FAIL() << "accepted";
    } catch (const FormatError& e) {
      EXPECT_NE(std::string(e.what()).find("twin_feature_errors"), std::string::npos) << e.what();
    }
  }
  // A matrix of another shape is refused, naming the file.
  write_safetensors(written / "sensitivity.safetensors",
                    {{"weight_damage", at::zeros({1, 1, 1, 1}, at::kDouble)},
                     {"input_damage", run.result.input_damage},
                     {"keep_fp_gain", run.result.keep_fp_gain},
                     {"twin_error", run.result.twin_error}});
  try {
    read_sensitivity_run(written);
    FAIL() << "accepted";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("weight_damage"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tdq
