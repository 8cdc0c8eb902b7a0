#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/common/errors.h"
#include "core/diffusion/adamw.h"
#include "core/diffusion/trainer.h"
#include "core/model/model_io.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_models.h"

namespace tdq {
namespace {

// Simple shapes the tiny U-Net can learn in a few dozen steps.
at::Tensor toy_images() {
  at::Tensor images = at::full({32, 1, 8, 8}, -1.0);
  for (int i = 0; i < 32; ++i) images[i].narrow(1, i % 4, 4).narrow(2, (i / 4) % 4, 4).fill_(1.0);
  return images;
}

TrainConfig quick_config(std::int64_t steps) {
  TrainConfig config;
  config.steps = steps;
  config.batch_size = 16;
  config.lr = 3e-3;
  config.warmup_steps = 5;
  config.log_every = 10;
  config.checkpoint_every = 10;
  config.seed = 3;
  return config;
}

TEST(LearningRate, WarmupThenCosineToZero) {
  TrainConfig config;
  config.steps = 110;
  config.warmup_steps = 10;
  config.lr = 1.0;
  EXPECT_DOUBLE_EQ(learning_rate(config, 0), 0.1);
  EXPECT_DOUBLE_EQ(learning_rate(config, 9), 1.0);
  EXPECT_NEAR(learning_rate(config, 60), 0.5, 1e-12);
  EXPECT_NEAR(learning_rate(config, 110), 0.0, 1e-12);
  config.lr_schedule = LrSchedule::Constant;
  EXPECT_DOUBLE_EQ(learning_rate(config, 100), 1.0);
}

TEST(AdamW, FirstStepMovesEachWeightByLrTimesSign) {
  at::Tensor w = at::tensor({1.0, -2.0}).set_requires_grad(true);
  AdamW optimizer({AdamW::Group{{"w"}, {w}, 1.0, 0.0}});
  (w * at::tensor({3.0, -0.5})).sum().backward();
  optimizer.step(0.1);
  EXPECT_NEAR(w[0].item<double>(), 0.9, 1e-6);
  EXPECT_NEAR(w[1].item<double>(), -1.9, 1e-6);
  const auto state = optimizer.state();
  EXPECT_EQ(state.count("m.w"), 1u);
  EXPECT_EQ(state.count("v.w"), 1u);
}

TEST(Trainer, TinyModelLossDrops) {
  UNet model(test::tiny_unet_config()), ema(test::tiny_unet_config());
  const TrainResult result =
      train_diffusion(*model, *ema, toy_images(), linear_schedule(), quick_config(80), {});
  const auto& losses = result.history.losses;
  ASSERT_EQ(losses.size(), 8u);
  EXPECT_LT(losses.back(), 0.75 * losses.front()) << losses.front() << " -> " << losses.back();
  EXPECT_EQ(result.history.samples_seen, 80 * 16);
}

TEST(Trainer, ResumedRunEqualsUninterruptedRun) {
  test::TempDir dir;
  UNet full(test::tiny_unet_config()), full_ema(test::tiny_unet_config());
  UNet part(test::tiny_unet_config()), part_ema(test::tiny_unet_config());
  load_parameters(*part, named_parameters_map(*full), "init");
  const at::Tensor images = toy_images();
  train_diffusion(*full, *full_ema, images, linear_schedule(), quick_config(30), {});

  // Cancel after 20 steps (a checkpoint was written at step 20), then resume in a fresh model.
  int calls = 0;
  auto stop_at_20 = [&](const ProgressInfo&) { return ++calls < 20; };
  const auto checkpoint = dir / "ckpt.safetensors";
  EXPECT_THROW(train_diffusion(*part, *part_ema, images, linear_schedule(), quick_config(30),
                               checkpoint, stop_at_20),
               CancelledError);
  UNet resumed(test::tiny_unet_config()), resumed_ema(test::tiny_unet_config());
  const TrainResult result = train_diffusion(*resumed, *resumed_ema, images, linear_schedule(),
                                             quick_config(30), checkpoint);
  EXPECT_TRUE(result.resumed);
  EXPECT_EQ(result.history.step, 30);
  const auto a = named_parameters_map(*full_ema), b = named_parameters_map(*resumed_ema);
  for (const auto& [name, tensor] : a)
    EXPECT_TRUE(at::allclose(tensor, b.at(name), 1e-5, 1e-6)) << name;
}

TEST(Trainer, CheckpointOfAnotherSeedIsRefused) {
  test::TempDir dir;
  UNet model(test::tiny_unet_config()), ema(test::tiny_unet_config());
  const auto checkpoint = dir / "ckpt.safetensors";
  train_diffusion(*model, *ema, toy_images(), linear_schedule(), quick_config(10), checkpoint);
  TrainConfig other = quick_config(20);
  other.seed = 4;
  EXPECT_THROW(train_diffusion(*model, *ema, toy_images(), linear_schedule(), other, checkpoint),
               ConfigError);
}

TEST(Trainer, NanLossStopsWithTheStep) {
  UNet model(test::tiny_unet_config()), ema(test::tiny_unet_config());
  at::Tensor images = toy_images();
  images[0][0][0][0] = std::nan("");
  TrainConfig config = quick_config(200);
  config.batch_size = 32;
  try {
    train_diffusion(*model, *ema, images, linear_schedule(), config, {});
    FAIL() << "expected divergence error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("at step"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tdq
