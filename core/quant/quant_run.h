#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/common/progress.h"
#include "core/diffusion/noise_schedule.h"
#include "core/diffusion/sampler.h"
#include "core/dist/dist_context.h"
#include "core/model/model_io.h"
#include "core/quant/calibration_set.h"
#include "core/quant/quantized_model.h"
#include "core/quant/reconstruction.h"

namespace tdq {

// The quantizer state of a quantize run folder, beside run.json.
inline constexpr const char* kQuantState = "quant.safetensors";

// Calibration "every step of the sampler's trajectories" (MinMax, Table): the FP model samples
// `samples` images with `sampler`, and every step's layer inputs are observed.
struct CalibrationOptions {
  std::int64_t samples = 64;
  std::int64_t batch_size = 64;
  std::uint64_t seed = 1;  // differs from the default sampling seed 0: calibrate on other noise
  SamplerConfig sampler;
};

// Runs the calibration and sets the twin's intervals for the sampler's schedule. With several
// ranks each samples its consecutive share of the batches (the one-process noise) and the ranges
// are merged, so every rank sets the one-process intervals.
void calibrate(UNetImpl& model, QuantizedModel& twin, const NoiseSchedule& schedule,
               const CalibrationOptions& options, const ProgressFn& progress = {},
               const DistContext& dist = {});

// Min/max of every layer input over a calibration set, in batches (each sample at its own t);
// NaN/Inf names the layer. With several ranks each observes its share of the batches and the
// ranges are merged on every rank.
RangeObserver observe_ranges(UNetImpl& model, const CalibrationSet& set, std::int64_t batch_size,
                             const DistContext& dist = {});

struct PtqOptions {
  CalibrationOptions sampling;  // minmax, table
  CalibrationSetOptions set;    // ptq4dm, tdq-ptq (PTQ4DM set by default)
  ReconstructionOptions reconstruction;
};

// What a PTQ run did, for run.json: the calibration it used and its timings and losses.
struct PtqResult {
  nlohmann::json calibration;
  nlohmann::json metrics;
};

// Calibrates (and for PTQ4DM/TDQ-PTQ reconstructs) the twin by its config's method. Dynamic needs
// nothing; QAT methods are refused (they train, see the QAT trainer). With several ranks the
// sampling (calibration trajectories, the calibration set) and the range observation are split
// over them; block reconstruction, sequential over blocks, runs whole on every rank from the same
// set and seed, so every rank ends with the same twin.
PtqResult quantize_post_training(UNetImpl& model, QuantizedModel& twin,
                                 const NoiseSchedule& schedule, const PtqOptions& options,
                                 const ProgressFn& progress = {}, const DistContext& dist = {});

// Writes a run folder (run.json + quant.safetensors), atomically.
std::filesystem::path write_quantize_run(const LoadedModel& model, const QuantizedModel& twin,
                                         const nlohmann::json& calibration,
                                         const nlohmann::json& metrics,
                                         const std::filesystem::path& out);

// Rebuilds the twin of a run folder for `model`. ConfigError when the run was made for another
// model (sha256 differs) or its state does not fit.
std::unique_ptr<QuantizedModel> load_quantize_run(const std::filesystem::path& run,
                                                  const LoadedModel& model);
// The same from the run's run.json as already read (read_run_json), for readers that need it too.
std::unique_ptr<QuantizedModel> load_quantize_run(const nlohmann::json& run_json,
                                                  const std::filesystem::path& run,
                                                  const LoadedModel& model);

// The steps of load_quantize_run, each on what was already read, so that the fuzz target of
// these parsers (tests/fuzz/targets/quantize_state.cpp) need not load a model per input.
// The quant config of a run.json: ConfigError for another kind of run or another model,
// FormatError naming run.json for a missing or bad quant_config.
QuantConfig quantize_run_config(const nlohmann::json& run_json, const std::filesystem::path& run,
                                const LoadedModel& model);
// FormatError naming run.json when its layers list disagrees with the twin its config builds.
void check_recorded_layers(const nlohmann::json& run_json, const QuantizedModel& twin,
                           const std::filesystem::path& run);
// Loads the tensors of quant.safetensors into `twin`; ConfigError naming `file` when they do not
// fit it, in which case the twin may hold part of them.
void load_quant_state(QuantizedModel& twin, const std::map<std::string, at::Tensor>& state,
                      const std::filesystem::path& file);

}  // namespace tdq
