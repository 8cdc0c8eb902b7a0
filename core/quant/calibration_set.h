#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <ATen/Tensor.h>

#include "core/common/progress.h"
#include "core/diffusion/noise_schedule.h"
#include "core/diffusion/sampler.h"
#include "core/dist/dist_context.h"
#include "core/model/unet.h"

namespace tdq {

// Which time steps of the FP sampler's trajectories enter the calibration set.
enum class CalibrationSetKind {
  UniformOverSteps,  // Q-Diffusion: steps drawn uniformly from the sampler's schedule
  Ptq4dm,            // PTQ4DM: t ~ N(0.4 T, 0.4 T) clipped to [0, T), snapped to the schedule
};
CalibrationSetKind parse_calibration_set_kind(const std::string& name);  // "uniform" | "ptq4dm"
std::string to_string(CalibrationSetKind kind);

// The paper's set is 256 trajectories x 20 time steps (5120 samples); fewer trajectories are
// cheaper on a CPU (each costs one FP sampling run).
struct CalibrationSetOptions {
  CalibrationSetKind kind = CalibrationSetKind::Ptq4dm;
  std::int64_t trajectories = 256;
  std::int64_t timesteps_per_trajectory = 20;
  std::int64_t batch_size = 64;
  std::uint64_t seed = 1;  // differs from the default sampling seed 0: calibrate on other noise
  SamplerConfig sampler;
};

// Inputs x_t [N, C, H, W] with their time steps t [N] (int64), on the CPU.
struct CalibrationSet {
  at::Tensor x, t;
  std::int64_t size() const { return t.defined() ? t.size(0) : 0; }
};

// For one trajectory: indices into `timesteps` (the sampler's descending schedule), ascending.
std::vector<std::int64_t> draw_calibration_steps(CalibrationSetKind kind,
                                                 const std::vector<std::int64_t>& timesteps,
                                                 std::int64_t num_timesteps, std::int64_t count,
                                                 std::mt19937_64& rng);

// Samples the FP model's trajectories and keeps x_t at the drawn steps of each. With several ranks
// each samples its consecutive share of the batches (the one-process noise and drawn steps) and the
// set is gathered in batch order: every rank returns the one-process set, bit for bit.
// ConfigError on calibration_set.trajectories when there are fewer batches than ranks.
CalibrationSet build_calibration_set(UNetImpl& model, const NoiseSchedule& schedule,
                                     const CalibrationSetOptions& options,
                                     const ProgressFn& progress = {}, const DistContext& dist = {});

}  // namespace tdq
