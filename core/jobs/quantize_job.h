#pragma once
// One quantize run, from a model folder to a run folder: the recipe that `tdq quantize`, the GUI's
// experiment panel and `tdq demo` share. Every default of a quantize run is written once, here;
// `tdq quantize` fills the struct from its flags. Errors name the fields ("quantize.qat_steps").
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/common/progress.h"
#include "core/diffusion/sampler.h"
#include "core/model/model_io.h"
#include "core/quant/calibration_set.h"
#include "core/quant/qat_trainer.h"
#include "core/quant/quant_config.h"
#include "core/quant/quantized_model.h"

namespace tdq {

struct QuantizeJob {
  std::filesystem::path model_dir;  // empty: the shipped default model
  QuantConfig quant;
  std::string device = "cpu";  // "cpu" or "cuda[:N]"
  std::uint64_t seed = 0;      // the PTQ4DM/TDQ-PTQ reconstruction uses seed + 2

  // Calibration: the FP model samples `calib` images with `sampler` over `calib_steps` steps, the
  // schedule whose steps the table and TDQ bake hold.
  SamplerKind sampler = SamplerKind::DDIM;
  std::int64_t calib_steps = 100;
  std::int64_t calib = 0;  // 0: the method's default (64 images; 256 PTQ4DM trajectories)

  // PTQ4DM / TDQ-PTQ: calibration set and block reconstruction.
  CalibrationSetKind calib_set = CalibrationSetKind::Ptq4dm;
  std::int64_t calib_t = 20;  // time steps kept per trajectory
  std::int64_t iters = 100;   // reconstruction iterations per block
  std::int64_t recon_batch = 32;
  double qdrop = 0.5;

  // QAT (lsq, pact, nipq, tdq; dynamic and table train too when qat_steps > 0).
  std::int64_t qat_steps = 0;
  std::int64_t qat_batch = 64;
  double lr = 2e-4;          // weights; steps and TDQ MLPs use lr x their lr_scales
  QatLrScales lr_scales;     // recorded in run.json and the checkpoint
  std::int64_t warmup = -1;  // linear warm-up steps; -1: 5 % of qat_steps
  double ema = 0.999;
  double max_seconds = 0;          // stop after this much training time (0: all steps)
  std::filesystem::path data_dir;  // Fashion-MNIST; empty: the default
  std::int64_t qat_limit = -1;     // first N training images; -1: all
  std::int64_t checkpoint_every = 200;
  // Checkpoint to <out>.checkpoint.safetensors and resume from it (`tdq quantize`: run the same
  // command again after a stop). Off for GUI jobs, whose run names are new on every start.
  bool resumable = false;
};

// True when the job trains (QAT) rather than calibrates.
bool trains(const QuantizeJob& job);

// <out>.checkpoint.safetensors, beside the run folder.
std::filesystem::path quantize_checkpoint(const std::filesystem::path& out);

// The twin the job makes for `loaded` (a model already on the job's device) and what run.json
// records of it, without a run folder: what run_quantize_job writes and `tdq search-bits
// --validate` measures. `out` only names a resumable job's QAT checkpoint.
struct QuantizeOutcome {
  std::unique_ptr<QuantizedModel> twin;
  nlohmann::json calibration, metrics;
};
QuantizeOutcome quantize_model(const QuantizeJob& job, LoadedModel& loaded,
                               const std::filesystem::path& out = {},
                               const ProgressFn& progress = {});

// Quantizes the model as `job` says and writes the run folder atomically (RUN.tmp, renamed when
// complete); run.json records the job's settings, device and thread count. IoError before any work
// when `out` exists; ConfigError naming the field for a bad setting; CancelledError when
// `progress` asks to stop.
std::filesystem::path run_quantize_job(const QuantizeJob& job, const std::filesystem::path& out,
                                       const ProgressFn& progress = {});

}  // namespace tdq
