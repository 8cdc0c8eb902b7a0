// The recorder on a hand-driven 2-layer toy and on the tiny U-Net, against values computed
// directly.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

#include "core/common/errors.h"
#include "core/diffusion/generate.h"
#include "core/quant/quant_run.h"
#include "core/record/scale_curves.h"
#include "core/record/side_by_side.h"
#include "core/record/stream_record.h"
#include "tests/support/tiny_models.h"

namespace tdq {
namespace {

// Stands in for a quantizer: shifts every input by a known amount.
class ShiftHooks : public LayerHooks {
 public:
  std::int64_t forwards = 0, ends = 0;
  void on_forward(const at::Tensor&) override { ++forwards; }
  void on_forward_end() override { ++ends; }
  at::Tensor on_input(int layer, const at::Tensor& input) override {
    return input + 0.25 * (layer + 1);
  }
};

TEST(RecordingHooks, TwoLayerToyMatchesDirectComputation) {
  at::manual_seed(11);
  const std::vector<std::int64_t> ts = {900, 500, 100};
  StreamRecord record("local", 2, 3, 32, {HistogramRange{-6, 6}, HistogramRange{-6, 6}});
  ShiftHooks inner;
  RecordingHooks hooks(record, &inner, {"a", "b"});
  // inputs[step][layer][batch]
  std::vector<std::vector<std::vector<at::Tensor>>> inputs(3), refs(3);
  for (std::int64_t k = 0; k < 3; ++k) {
    for (int batch = 0; batch < 2; ++batch) {
      for (int l = 0; l < 2; ++l) {
        const at::Tensor ref = at::randn({2, 5}) * static_cast<double>(k + 1);
        inputs[static_cast<std::size_t>(k)].resize(2);
        refs[static_cast<std::size_t>(k)].resize(2);
        refs[static_cast<std::size_t>(k)][static_cast<std::size_t>(l)].push_back(ref);
        inputs[static_cast<std::size_t>(k)][static_cast<std::size_t>(l)].push_back(
            ref + 0.1 * at::randn({2, 5}));
      }
      std::vector<at::Tensor> reference = {refs[static_cast<std::size_t>(k)][0].back(),
                                           refs[static_cast<std::size_t>(k)][1].back()};
      hooks.begin_step(k, ts[static_cast<std::size_t>(k)], {0.5, 0.0}, &reference);
      hooks.on_forward(at::full({2}, ts[static_cast<std::size_t>(k)], at::kLong));
      for (int l = 0; l < 2; ++l) {
        const at::Tensor& x =
            inputs[static_cast<std::size_t>(k)][static_cast<std::size_t>(l)].back();
        EXPECT_TRUE(
            at::allclose(hooks.on_input(l, x), x + 0.25 * (l + 1)));  // the inner hooks' output
      }
    }
  }
  EXPECT_EQ(inner.forwards, 6);
  hooks.on_forward_end();
  EXPECT_EQ(inner.ends, 1);  // passed on, so a quantized twin inside a recorder checks its kernels
  for (std::int64_t k = 0; k < 3; ++k) {
    for (int l = 0; l < 2; ++l) {
      const auto& xs = inputs[static_cast<std::size_t>(k)][static_cast<std::size_t>(l)];
      const auto& rs = refs[static_cast<std::size_t>(k)][static_cast<std::size_t>(l)];
      const at::Tensor x = at::cat({xs[0], xs[1]}).to(at::kDouble),
                       r = at::cat({rs[0], rs[1]}).to(at::kDouble);
      const LayerStepValues v = finalize(record.at(l, k), record.range(l));
      EXPECT_DOUBLE_EQ(v.min, x.min().item<double>());
      EXPECT_DOUBLE_EQ(v.max, x.max().item<double>());
      EXPECT_NEAR(v.mean, x.mean().item<double>(), 1e-12);
      EXPECT_NEAR(v.std, x.std(false).item<double>(), 1e-9);
      EXPECT_NEAR(v.mse_in, (x - r).square().mean().item<double>(), 1e-12);
      EXPECT_NEAR(v.mse_out, (x + 0.25 * (l + 1) - r).square().mean().item<double>(),
                  1e-7);  // the inner hooks add in float
      if (l == 0) {
        EXPECT_DOUBLE_EQ(v.clip_fraction, 0.0);  // a shift of 0.25 = s/2 is rounding, not clipping
        EXPECT_DOUBLE_EQ(v.scale, 0.5);
      } else {
        EXPECT_TRUE(std::isnan(v.clip_fraction));  // no interval known
      }
    }
  }
  // One call per layer and forward; a second is an error naming the layer and step.
  hooks.begin_step(1, 500);
  hooks.on_forward(at::full({1}, 500, at::kLong));
  hooks.on_input(1, at::zeros({1, 5}));
  try {
    hooks.on_input(1, at::zeros({1, 5}));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("layer b at step 1"), std::string::npos) << e.what();
  }
  // A NaN input is an error naming the layer, the step and the stream.
  hooks.begin_step(2, 100);
  hooks.on_forward(at::full({1}, 100, at::kLong));
  try {
    hooks.on_input(0, at::full({1, 5}, std::nanf("")));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("layer a at step 2 (t=100, local)"), std::string::npos)
        << e.what();
  }
}

class TinyRecord : public ::testing::Test {
 protected:
  void SetUp() override {
    at::manual_seed(0);
    model = UNet(test::tiny_unet_config());
    model->eval();
    ranges.assign(model->layers().size(), HistogramRange{-4, 4});
    options.count = 3;
    options.batch_size = 2;
    options.seed = 7;
    options.sampler.steps = 4;
    options.bins = 16;
  }
  UNet model{nullptr};
  NoiseSchedule schedule = linear_schedule();
  SideBySideOptions options;
  std::vector<HistogramRange> ranges;

  GenerateOptions generate_options() const {
    GenerateOptions g;
    g.count = options.count;
    g.batch_size = options.batch_size;
    g.seed = options.seed;
    g.sampler = options.sampler;
    return g;
  }
};

TEST_F(TinyRecord, FpTrajectoryIsThatOfGenerateSamplesForDdimAndDdpm) {
  for (SamplerKind kind : {SamplerKind::DDIM, SamplerKind::DDPM}) {
    options.sampler.kind = kind;
    const SideBySideRecord rec = record_side_by_side(*model, nullptr, schedule, options, ranges);
    const at::Tensor expected = generate_samples(*model, schedule, generate_options(), c10::kCPU);
    EXPECT_TRUE(at::equal(rec.fp_images, expected)) << to_string(kind);
    EXPECT_FALSE(rec.has_twin);
    EXPECT_EQ(rec.local.layers(), 0);
  }
}

TEST_F(TinyRecord, FirstLayerAtFirstStepSeesTheInitialNoise) {
  const SideBySideRecord rec = record_side_by_side(*model, nullptr, schedule, options, ranges);
  const at::Tensor noise = seeded_noise({3, 1, 8, 8}, options.seed, c10::kCPU).to(at::kDouble);
  ASSERT_EQ(model->layers()[0].path, "conv_in");
  const LayerStepValues v = finalize(rec.fp.at(0, 0), rec.fp.range(0));
  EXPECT_DOUBLE_EQ(v.min, noise.min().item<double>());
  EXPECT_DOUBLE_EQ(v.max, noise.max().item<double>());
  EXPECT_NEAR(v.mean, noise.mean().item<double>(), 1e-12);
  EXPECT_EQ(rec.fp.at(0, 0).count, noise.numel());
}

TEST_F(TinyRecord, TwinLocalAndTrajectoryModes) {
  QuantizedModel twin(*model, QuantConfig{});
  CalibrationOptions calibration;
  calibration.samples = 2;
  calibration.batch_size = 2;
  calibration.sampler = options.sampler;
  calibrate(*model, twin, schedule, calibration);
  const SideBySideRecord rec = record_side_by_side(*model, &twin, schedule, options, ranges);
  ASSERT_TRUE(rec.has_twin);
  // Trajectory mode is what `tdq sample --quant` produces for the same seed.
  const at::Tensor expected =
      generate_samples(*model, schedule, generate_options(), c10::kCPU, {}, &twin);
  EXPECT_TRUE(at::equal(rec.quant_images, expected));
  // Both modes start from the same x_T: at step 0 they see identical inputs.
  EXPECT_EQ(rec.xt_sq[0], 0.0);
  EXPECT_EQ(rec.eps_sq_local[0], rec.eps_sq_trajectory[0]);
  EXPECT_GT(rec.eps_sq_local[0], 0.0);
  EXPECT_GT(rec.xt_sq.back(), 0.0);  // the trajectories drift apart
  for (std::int64_t l = 0; l < rec.fp.layers(); ++l) {
    const auto& a = rec.local.at(l, 0);
    const auto& b = rec.trajectory.at(l, 0);
    EXPECT_EQ(a.histogram, b.histogram);
    EXPECT_EQ(a.error_out, b.error_out);
    const bool quantized = twin.slots()[static_cast<std::size_t>(l)].quantized;
    if (quantized) {
      EXPECT_DOUBLE_EQ(a.scale, twin.activation_scale(static_cast<int>(l), rec.timesteps[0]));
      EXPECT_GT(a.error_out, 0.0) << model->layers()[static_cast<std::size_t>(l)].path;
      EXPECT_EQ(a.clip_count, a.count);
    }
  }
  // MinMax: s(t) is flat for quantized layers and 0 for the others, in the units of
  // activation_scale.
  const at::Tensor curves = scale_curves(twin, 1000);
  ASSERT_EQ(curves.sizes(), (std::vector<std::int64_t>{rec.fp.layers(), 1000}));
  for (std::int64_t l = 0; l < rec.fp.layers(); ++l) {
    const at::Tensor row = curves[l];
    EXPECT_EQ(row.min().item<double>(), row.max().item<double>());
    EXPECT_EQ(row[0].item<double>() > 0, twin.slots()[static_cast<std::size_t>(l)].quantized);
  }
  // The first layer is FP and sees x_T in both models: no error at step 0.
  EXPECT_EQ(rec.local.at(0, 0).error_in, 0.0);
  EXPECT_EQ(rec.local.at(0, 0).error_out, 0.0);
}

TEST_F(TinyRecord, AccumulatorMemoryDoesNotGrowWithSamples) {
  options.count = 2;
  const std::size_t small =
      record_side_by_side(*model, nullptr, schedule, options, ranges).accumulator_bytes();
  options.count = 5;
  const std::size_t large =
      record_side_by_side(*model, nullptr, schedule, options, ranges).accumulator_bytes();
  EXPECT_EQ(small, large);
  EXPECT_GT(small, model->layers().size() * 4 * 18 * sizeof(std::int64_t));
}

TEST_F(TinyRecord, HistogramRangesCoverTheEdgePass) {
  options.bins = 0;
  const SideBySideRecord rec = record_side_by_side(*model, nullptr, schedule, options, ranges);
  const auto edges = histogram_ranges(rec.fp);
  ASSERT_EQ(edges.size(), model->layers().size());
  for (std::size_t l = 0; l < edges.size(); ++l) {
    for (std::int64_t k = 0; k < rec.fp.steps(); ++k) {
      EXPECT_LT(edges[l].lo, rec.fp.at(static_cast<std::int64_t>(l), k).min);
      EXPECT_GT(edges[l].hi, rec.fp.at(static_cast<std::int64_t>(l), k).max);
    }
  }
}

}  // namespace
}  // namespace tdq
