#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <numeric>
#include <random>
#include <set>

#include "core/common/errors.h"
#include "core/diffusion/generate.h"
#include "core/model/model_io.h"
#include "core/quant/calibration_set.h"
#include "core/quant/quant_run.h"
#include "core/quant/reconstruction.h"
#include "tests/support/quant_fixture.h"
#include "tests/support/temp_dir.h"

namespace tdq {
namespace {

using test::QuantizedTwin;
using test::slot_of;

TEST(CalibrationSteps, UniformDrawsDistinctStepsAndPtq4dmCentresNear400) {
  SamplerConfig sampler;  // DDIM 100: t = 990 .. 0
  const auto timesteps = sampling_timesteps(sampler, 1000);
  std::mt19937_64 rng(3);
  const auto uniform =
      draw_calibration_steps(CalibrationSetKind::UniformOverSteps, timesteps, 1000, 20, rng);
  EXPECT_EQ(std::set<std::int64_t>(uniform.begin(), uniform.end()).size(), 20u);
  EXPECT_TRUE(std::is_sorted(uniform.begin(), uniform.end()));

  const auto ptq4dm =
      draw_calibration_steps(CalibrationSetKind::Ptq4dm, timesteps, 1000, 20000, rng);
  double mean_t = 0;
  std::int64_t at_zero = 0;
  for (std::int64_t k : ptq4dm) {
    ASSERT_GE(k, 0);
    ASSERT_LT(k, 100);
    mean_t += static_cast<double>(timesteps[static_cast<std::size_t>(k)]);
    at_zero += timesteps[static_cast<std::size_t>(k)] == 0;
  }
  mean_t /= static_cast<double>(ptq4dm.size());
  // N(400, 400) clipped to [0, 999]: P(t < 0) = 15.9% lands on t = 0; mean about 422.
  EXPECT_NEAR(mean_t, 422, 12);
  EXPECT_NEAR(static_cast<double>(at_zero) / static_cast<double>(ptq4dm.size()), 0.165, 0.02);
}

TEST_F(QuantizedTwin, CalibrationSetHoldsTrajectoryStatesAtScheduleSteps) {
  CalibrationSetOptions options;
  options.trajectories = 3;
  options.timesteps_per_trajectory = 4;
  options.batch_size = 2;
  options.sampler.steps = 10;
  const CalibrationSet set = build_calibration_set(*model, schedule, options);
  ASSERT_EQ(set.size(), 12);
  EXPECT_EQ(set.x.sizes(), (std::vector<std::int64_t>{12, 1, 8, 8}));
  const auto timesteps = sampling_timesteps(options.sampler, 1000);
  for (std::int64_t i = 0; i < set.size(); ++i) {
    EXPECT_NE(std::find(timesteps.begin(), timesteps.end(), set.t[i].item<std::int64_t>()),
              timesteps.end());
  }
  EXPECT_TRUE(at::equal(build_calibration_set(*model, schedule, options).x, set.x));  // seeded
  options.trajectories = 0;
  EXPECT_THROW(build_calibration_set(*model, schedule, options), ConfigError);
}

TEST(Reconstruction, BlocksAreDiffusersSubmodules) {
  EXPECT_EQ(reconstruction_block("down_blocks.1.resnets.0.conv1"), "down_blocks.1.resnets.0");
  EXPECT_EQ(reconstruction_block("down_blocks.0.downsamplers.0.conv"),
            "down_blocks.0.downsamplers.0");
  EXPECT_EQ(reconstruction_block("mid_block.attentions.0.to_q"), "mid_block.attentions.0");
  EXPECT_EQ(reconstruction_block("up_blocks.0.attentions.0.to_out.0"), "up_blocks.0.attentions.0");
  EXPECT_EQ(reconstruction_block("conv_out"), "conv_out");
}

class PostTraining : public QuantizedTwin {
 protected:
  PtqOptions options() const {
    PtqOptions o;
    o.set.trajectories = 4;
    o.set.timesteps_per_trajectory = 5;
    o.set.batch_size = 4;
    o.set.sampler.steps = 10;
    o.reconstruction.iterations = 40;
    o.reconstruction.batch_size = 8;
    return o;
  }
  static double total(const nlohmann::json& blocks, const char* key) {
    double sum = 0;
    for (const auto& b : blocks) sum += b.at(key).get<double>();
    return sum;
  }
};

TEST_F(PostTraining, Ptq4dmReconstructionLowersTheBlockLoss) {
  QuantizedModel twin(*model, w4a4(QuantMethod::Ptq4dm));
  const PtqResult result = quantize_post_training(*model, twin, schedule, options());
  const auto& blocks = result.metrics.at("blocks");
  ASSERT_GT(blocks.size(), 4u);
  std::cout << "PTQ4DM block loss " << total(blocks, "before") << " -> " << total(blocks, "after")
            << "\n";
  EXPECT_LT(total(blocks, "after"), 0.95 * total(blocks, "before"));
  EXPECT_EQ(result.calibration.at("set"), "ptq4dm");
  EXPECT_EQ(result.calibration.at("samples"), 20);
  const int layer = slot_of(twin.slots(), "down_blocks.0.resnets.0.conv1").layer;
  EXPECT_EQ(twin.activation_scale(layer, 900), twin.activation_scale(layer, 0));  // static
}

TEST_F(PostTraining, TdqPtqLearnsTimeDependentIntervalsAndReloadsBitForBit) {
  test::TempDir dir;
  save_model(dir / "model", *model);
  LoadedModel loaded = load_model(dir / "model");
  QuantizedModel twin(*loaded.model, w4a4(QuantMethod::TdqPtq));
  const PtqResult result = quantize_post_training(*loaded.model, twin, schedule, options());
  const auto& blocks = result.metrics.at("blocks");
  std::cout << "TDQ-PTQ block loss " << total(blocks, "before") << " -> " << total(blocks, "after")
            << "\n";
  EXPECT_LT(total(blocks, "after"), 0.95 * total(blocks, "before"));
  int time_dependent = 0;
  for (const auto& slot : twin.slots()) {
    if (slot.quantized)
      time_dependent +=
          twin.activation_scale(slot.layer, 900) != twin.activation_scale(slot.layer, 0);
  }
  EXPECT_GT(time_dependent, 0);
  EXPECT_EQ(twin.baked().timesteps(), sampling_timesteps(options().set.sampler, 1000));

  // A step outside the baked schedule evaluates the MLPs and says so.
  twin.set_timestep(900);
  EXPECT_EQ(twin.fallbacks(), 0);
  twin.set_timestep(901);
  EXPECT_EQ(twin.fallbacks(), 1);

  const auto run =
      write_quantize_run(loaded, twin, result.calibration, result.metrics, dir / "run");
  auto reloaded = load_quantize_run(run, loaded);
  GenerateOptions generate;
  generate.count = 2;
  generate.sampler.steps = 10;
  EXPECT_TRUE(at::equal(
      generate_samples(*loaded.model, schedule, generate, c10::kCPU, {}, &twin),
      generate_samples(*loaded.model, schedule, generate, c10::kCPU, {}, reloaded.get())));
}

TEST_F(PostTraining, TdqGivesEachSampleTheIntervalOfItsOwnTimeStep) {
  QuantizedModel twin(*model, w4a4(QuantMethod::TdqPtq));
  PtqOptions few = options();
  few.reconstruction.iterations = 5;
  quantize_post_training(*model, twin, schedule, few);
  at::NoGradGuard no_grad;
  const at::Tensor x = seeded_noise({2, 1, 8, 8}, 4, c10::kCPU);
  const at::Tensor mixed = model->forward(x, at::tensor({900, 0}, at::kLong), &twin);
  const at::Tensor first = model->forward(x.narrow(0, 0, 1), at::tensor({900}, at::kLong), &twin);
  const at::Tensor second = model->forward(x.narrow(0, 1, 1), at::tensor({0}, at::kLong), &twin);
  EXPECT_TRUE(at::allclose(mixed, at::cat({first, second}), 1e-4, 1e-5));
}

TEST_F(QuantizedTwin, PactPassesGradientToItsBoundOnlyFromClippedValues) {
  QuantConfig config;
  config.method = QuantMethod::Pact;
  config.a_bits = 4;
  QuantizedModel twin(*model, config);
  // The layer index only (a copy: GCC 13 takes the reference for a dangling temporary).
  const int layer_of_q =
      slot_of(twin.slots(), "down_blocks.1.attentions.0.to_q").layer;  // symmetric grid
  std::vector<double> steps(twin.slots().size(), 0.0);
  for (const auto& s : twin.slots()) steps[static_cast<std::size_t>(s.layer)] = 0.1;  // range +-0.6
  twin.set_static_steps(steps);
  LearningSession session = twin.begin_learning({static_cast<std::size_t>(layer_of_q)});
  twin.set_timestep(500);
  auto grad_of_step = [&](const at::Tensor& x) {
    for (auto& p : session.steps().tensors) p.mutable_grad() = at::Tensor();
    twin.on_input(layer_of_q, x).sum().backward();
    return session.steps().tensors.at(0).grad().item<double>();
  };
  EXPECT_EQ(grad_of_step(at::full({1, 4, 8}, 0.33)), 0.0);
  EXPECT_GT(grad_of_step(at::full({1, 4, 8}, 2.0)),
            0.0);  // d/dlog s of clip at +0.6 = 0.6 per element
  EXPECT_NEAR(grad_of_step(at::full({1, 4, 8}, 2.0)), 32 * 0.6, 1e-3);
  session.end();
}

TEST_F(QuantizedTwin, NipqAddsNoiseWhileLearningAndQuantizesHardAfter) {
  QuantConfig config;
  config.method = QuantMethod::Nipq;
  config.a_bits = 4;
  QuantizedModel twin(*model, config);
  // The layer index only (a copy: GCC 13 takes the reference for a dangling temporary).
  const int layer_of_q = slot_of(twin.slots(), "down_blocks.1.attentions.0.to_q").layer;
  std::vector<double> steps(twin.slots().size(), 0.1);
  twin.set_static_steps(steps);
  twin.set_timestep(500);
  const at::Tensor x = at::linspace(-0.5, 0.5, 64).reshape({1, 8, 8});
  const at::Tensor hard = twin.on_input(layer_of_q, x);
  EXPECT_TRUE(at::allclose(hard, at::round(x / 0.1) * 0.1, 0, 1e-6));
  LearningSession session = twin.begin_learning({static_cast<std::size_t>(layer_of_q)});
  const at::Tensor noisy = twin.on_input(layer_of_q, x).detach();
  EXPECT_FALSE(at::allclose(noisy, hard));
  EXPECT_LE((noisy - x).abs().max().item<double>(), 0.05 + 1e-6);
  session.end();
  EXPECT_TRUE(at::equal(twin.on_input(layer_of_q, x), hard));
}

// A session dropped without end() (training threw) leaves the twin as it was; one at a time.
TEST_F(QuantizedTwin, LearningSessionDroppedWithoutEndKeepsNothing) {
  QuantizedModel twin(*model, w4a4(QuantMethod::Lsq));
  // The layer index only (a copy: GCC 13 takes the reference for a dangling temporary).
  const int layer_of_q = slot_of(twin.slots(), "down_blocks.1.attentions.0.to_q").layer;
  twin.set_static_steps(std::vector<double>(twin.slots().size(), 0.1));
  twin.set_timestep(500);
  const at::Tensor x = at::linspace(-0.5, 0.5, 64).reshape({1, 8, 8});
  const at::Tensor before = twin.on_input(layer_of_q, x);
  {
    LearningSession session = twin.begin_learning({static_cast<std::size_t>(layer_of_q)}, 0.0, 0,
                                                  /*learn_weights=*/true);
    EXPECT_TRUE(twin.learning());
    EXPECT_THROW(twin.begin_learning({static_cast<std::size_t>(layer_of_q)}), Error);
    at::NoGradGuard no_grad;
    for (auto& p : session.steps().tensors) p.add_(0.7);
    for (auto& p : session.weights().tensors) p.mul_(2.0);
  }
  EXPECT_FALSE(twin.learning());
  EXPECT_TRUE(at::equal(twin.on_input(layer_of_q, x), before));
  EXPECT_FALSE(twin.state().count("weight.down_blocks.1.attentions.0.to_q.codes"));
  {
    LearningSession session = twin.begin_learning({static_cast<std::size_t>(layer_of_q)});
    at::NoGradGuard no_grad;
    for (auto& p : session.steps().tensors) p.add_(0.7);
    session.end();
  }
  EXPECT_NEAR(twin.activation_scale(layer_of_q, 500), 0.1 * std::exp(0.7), 1e-6);
}

TEST_F(QuantizedTwin, QatMethodsAndUnlearnableMethodsAreRefusedClearly) {
  QuantConfig lsq;
  lsq.method = QuantMethod::Lsq;
  QuantizedModel twin(*model, lsq);
  try {
    quantize_post_training(*model, twin, schedule, PtqOptions{});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "quant.method");  // a config field, not a CLI flag
    EXPECT_EQ(e.value(), "lsq");
  }
  QuantConfig dynamic;
  dynamic.method = QuantMethod::Dynamic;
  QuantizedModel dynamic_twin(*model, dynamic);
  EXPECT_THROW(dynamic_twin.begin_learning({3}), ConfigError);
}

// The GUI shows core errors as they are: they name the config field and its value, never a flag.
TEST_F(QuantizedTwin, ConfigErrorsNameTheFieldAndValue) {
  QuantConfig config;
  config.w_bits = 9;
  try {
    place_quantizers(model->layers(), config);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "quant.w_bits");
    EXPECT_EQ(std::string(e.what()), "quant.w_bits = 9: bits must be in 3..8");
  }
  config.w_bits = 2;  // the symmetric grid would hold only 0
  EXPECT_THROW(place_quantizers(model->layers(), config), ConfigError);
  config.w_bits = 8;
  config.skip = {"nowhere.*"};
  try {
    place_quantizers(model->layers(), config);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "quant.skip = nowhere.*: matches no layer");
  }
  CalibrationSetOptions set;
  set.timesteps_per_trajectory = 0;
  try {
    build_calibration_set(*model, schedule, set);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "calibration_set.timesteps_per_trajectory");
    EXPECT_EQ(e.value(), "0");
  }
  try {
    parse_quant_method("magic");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "quant.method");
    EXPECT_EQ(std::string(e.what()).find("--"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tdq
