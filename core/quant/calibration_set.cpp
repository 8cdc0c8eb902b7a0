#include "core/quant/calibration_set.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <cmath>

#include "core/common/errors.h"
#include "core/common/memory_budget.h"
#include "core/dist/gather.h"
#include "core/dist/shard.h"

namespace tdq {

CalibrationSetKind parse_calibration_set_kind(const std::string& name) {
  if (name == "uniform") return CalibrationSetKind::UniformOverSteps;
  if (name == "ptq4dm") return CalibrationSetKind::Ptq4dm;
  throw ConfigError("calibration_set.kind", name,
                    "unknown calibration set (use uniform or ptq4dm)");
}

std::string to_string(CalibrationSetKind kind) {
  return kind == CalibrationSetKind::Ptq4dm ? "ptq4dm" : "uniform";
}

std::vector<std::int64_t> draw_calibration_steps(CalibrationSetKind kind,
                                                 const std::vector<std::int64_t>& timesteps,
                                                 std::int64_t num_timesteps, std::int64_t count,
                                                 std::mt19937_64& rng) {
  const auto steps = static_cast<std::int64_t>(timesteps.size());
  std::vector<std::int64_t> chosen;
  if (kind == CalibrationSetKind::UniformOverSteps) {
    std::vector<std::int64_t> all(static_cast<std::size_t>(steps));
    for (std::int64_t k = 0; k < steps; ++k) all[static_cast<std::size_t>(k)] = k;
    std::shuffle(all.begin(), all.end(), rng);
    // Without replacement while the schedule has enough steps, then again from the start.
    for (std::int64_t k = 0; k < count; ++k)
      chosen.push_back(all[static_cast<std::size_t>(k % steps)]);
  } else {
    std::normal_distribution<double> normal(0.4 * static_cast<double>(num_timesteps),
                                            0.4 * static_cast<double>(num_timesteps));
    for (std::int64_t k = 0; k < count; ++k) {
      const double t = std::clamp(normal(rng), 0.0, static_cast<double>(num_timesteps - 1));
      // Nearest step of the schedule: x_t exists only where the sampler stops.
      std::int64_t best = 0;
      for (std::int64_t j = 1; j < steps; ++j) {
        if (std::abs(static_cast<double>(timesteps[static_cast<std::size_t>(j)]) - t) <
            std::abs(static_cast<double>(timesteps[static_cast<std::size_t>(best)]) - t)) {
          best = j;
        }
      }
      chosen.push_back(best);
    }
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

CalibrationSet build_calibration_set(UNetImpl& model, const NoiseSchedule& schedule,
                                     const CalibrationSetOptions& options,
                                     const ProgressFn& progress, const DistContext& dist) {
  const auto at_least_1 = [](const char* field, std::int64_t value) {
    if (value < 1) throw ConfigError(field, std::to_string(value), "must be at least 1");
  };
  at_least_1("calibration_set.trajectories", options.trajectories);
  at_least_1("calibration_set.timesteps_per_trajectory", options.timesteps_per_trajectory);
  at_least_1("calibration_set.batch_size", options.batch_size);
  const auto timesteps = sampling_timesteps(options.sampler, schedule.num_timesteps);
  const auto& config = model.config();
  const auto device = model.parameters().front().device();
  at::NoGradGuard no_grad;
  model.eval();
  std::mt19937_64 rng(options.seed);
  // The initial noise and the set (x_t of every kept step).
  require_memory(image_bytes(options.trajectories * (1 + options.timesteps_per_trajectory),
                             config.in_channels, config.sample_size, config.sample_size),
                 "calibration_set.trajectories", std::to_string(options.trajectories),
                 "the calibration set");
  const at::Tensor noise = seeded_noise(
      {options.trajectories, config.in_channels, config.sample_size, config.sample_size},
      options.seed, c10::kCPU);
  const auto steps = static_cast<std::int64_t>(timesteps.size());
  const std::int64_t batches = (options.trajectories + options.batch_size - 1) / options.batch_size;
  const BatchShard shard = checked_batch_shard(batches, dist, "calibration_set.trajectories",
                                               std::to_string(options.trajectories));
  std::vector<at::Tensor> xs;
  std::vector<std::int64_t> ts;
  for (std::int64_t b = 0; b < shard.end; ++b) {
    const std::int64_t begin = b * options.batch_size;
    const std::int64_t size = std::min(options.batch_size, options.trajectories - begin);
    // wanted[k]: which samples of this batch keep x_t at step index k (a sample may repeat a step).
    // Every rank draws the steps of the batches before its share too: the draws are one sequence.
    std::vector<std::vector<std::int64_t>> wanted(static_cast<std::size_t>(steps));
    for (std::int64_t i = 0; i < size; ++i) {
      for (std::int64_t k : draw_calibration_steps(options.kind, timesteps, schedule.num_timesteps,
                                                   options.timesteps_per_trajectory, rng)) {
        wanted[static_cast<std::size_t>(k)].push_back(i);
      }
    }
    if (b < shard.first) continue;
    auto keep = [&](const SamplerStep& step) {
      const auto& samples = wanted.at(static_cast<std::size_t>(step.index));
      if (samples.empty()) return;
      xs.push_back(step.x_t.index_select(0, at::tensor(samples, at::kLong).to(step.x_t.device()))
                       .to(c10::kCPU));
      ts.insert(ts.end(), samples.size(), step.t);
    };
    auto denoise = [&](const at::Tensor& x, const at::Tensor& t) { return model.forward(x, t); };
    auto batch_progress = [&](const ProgressInfo& info) {
      return !progress || progress({(b - shard.first) * steps + info.done,
                                    (shard.end - shard.first) * steps, "calibration trajectories"});
    };
    run_sampler(denoise, schedule, options.sampler, noise.narrow(0, begin, size).to(device),
                options.seed + 7919ULL * static_cast<std::uint64_t>(b + 1), batch_progress, keep);
  }
  CalibrationSet set{at::cat(xs, 0), at::tensor(ts, at::kLong)};
  if (is_distributed(dist)) {
    // Batch b holds x_t of its trajectories at timesteps_per_trajectory steps each, in the order
    // one process keeps them: the shares are consecutive slices of the whole set.
    const std::int64_t per = options.timesteps_per_trajectory;
    const std::int64_t offset = shard.first * options.batch_size * per;
    set = {all_gather_slices(dist, set.x, offset, options.trajectories * per),
           all_gather_slices(dist, set.t, offset, options.trajectories * per)};
  }
  if (!at::isfinite(set.x).all().item<bool>()) {
    throw Error("calibration set: the FP model's trajectories contain NaN or Inf");
  }
  return set;
}

}  // namespace tdq
