#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <ATen/Tensor.h>
#include <c10/core/Device.h>
#include <nlohmann/json.hpp>

#include "core/common/progress.h"
#include "core/diffusion/noise_schedule.h"
#include "core/model/unet.h"

namespace tdq {

enum class LrSchedule { Constant, Cosine };
LrSchedule parse_lr_schedule(const std::string& name);  // "constant" | "cosine"

struct TrainConfig {
  std::int64_t steps = 1000;
  std::int64_t batch_size = 64;
  double lr = 1e-3;
  double weight_decay = 0.0;
  std::int64_t warmup_steps = 200;
  LrSchedule lr_schedule = LrSchedule::Cosine;
  double ema_decay = 0.999;
  double grad_clip = 1.0;
  std::uint64_t seed = 0;
  std::int64_t log_every = 50;
  std::int64_t checkpoint_every = 250;
};
nlohmann::json to_json(const TrainConfig& config);

// Linear warm-up from 0, then constant or cosine decay to 0 at `steps`.
double learning_rate(const TrainConfig& config, std::int64_t step);

struct TrainHistory {
  std::int64_t step = 0;  // optimizer steps done
  std::vector<std::int64_t> loss_steps;
  std::vector<double> losses;  // mean loss over each logging window
  double seconds = 0;          // wall time over all sessions, resumed ones included
  std::int64_t samples_seen = 0;
  std::int64_t resumes = 0;
};
nlohmann::json to_json(const TrainHistory& history);
TrainHistory train_history_from_json(
    const nlohmann::json& json);  // nlohmann exceptions on bad input

// Counts one finished optimizer step into `history` and appends the mean loss of each window of
// `log_every` steps (and of the last, partial one).
class LossWindow {
 public:
  void step_done(TrainHistory& history, double loss, const TrainConfig& config);

 private:
  double sum_ = 0;
  std::int64_t count_ = 0;
};

// One training batch: images, time steps and noise, all drawn from one CPU generator seeded by
// `seed` (so a step's batch depends only on its seed), moved to `device` (t stays on the CPU).
struct TrainingBatch {
  at::Tensor x0, t, noise;
};
TrainingBatch draw_training_batch(const at::Tensor& images, const NoiseSchedule& schedule,
                                  std::int64_t batch_size, std::uint64_t seed, c10::Device device);

struct TrainResult {
  TrainHistory history;
  bool resumed = false;
};

// Trains `model` to predict the noise (MSE, uniform t), keeping an EMA copy in `ema`.
// Every step draws its batch, t and noise from a generator seeded by (seed, step), so a run that
// is stopped and resumed from `checkpoint` produces the same weights as one that was not.
// The checkpoint (model, EMA, optimizer state, history) is written atomically every
// `checkpoint_every` steps and at the end; an existing one is resumed.
// `on_checkpoint` runs after each checkpoint write (e.g. to export the EMA model so far).
using CheckpointFn = std::function<void(const TrainHistory&)>;
TrainResult train_diffusion(UNetImpl& model, UNetImpl& ema, const at::Tensor& images,
                            const NoiseSchedule& schedule, const TrainConfig& config,
                            const std::filesystem::path& checkpoint,
                            const ProgressFn& progress = {},
                            const CheckpointFn& on_checkpoint = {});

}  // namespace tdq
