#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>

#include "core/common/progress.h"
#include "core/diffusion/noise_schedule.h"
#include "core/diffusion/sampler.h"
#include "core/model/model_io.h"
#include "core/quant/quantized_model.h"

namespace tdq {

// Calibration set "uniform over the sampler's steps" (Q-Diffusion style): the FP model samples
// `samples` images with `sampler`, and every step's layer inputs are observed.
struct CalibrationOptions {
  std::int64_t samples = 64;
  std::int64_t batch_size = 64;
  std::uint64_t seed = 1;  // differs from the default sampling seed 0: calibrate on other noise
  SamplerConfig sampler;
};

// Runs the calibration and sets the twin's intervals for the sampler's schedule.
void calibrate(UNetImpl& model, QuantizedModel& twin, const NoiseSchedule& schedule,
               const CalibrationOptions& options, const ProgressFn& progress = {});

// Quantizes `model` and writes a run folder (run.json + quant.safetensors), atomically.
std::filesystem::path write_quantize_run(const LoadedModel& model, const QuantizedModel& twin,
                                         const CalibrationOptions& calibration, double seconds,
                                         const std::filesystem::path& out);

// Rebuilds the twin of a run folder for `model`. ConfigError when the run was made for another
// model (sha256 differs) or its state does not fit.
std::unique_ptr<QuantizedModel> load_quantize_run(const std::filesystem::path& run, const LoadedModel& model);

}  // namespace tdq
