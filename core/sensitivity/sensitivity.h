#pragma once
// Per-layer x time-window sensitivity of a model to quantization (issue 15, docs/method.md
// section 10): for every quantized layer, the noise-prediction error against the FP model when only
// that layer's weight (or only its input) is quantized, at every candidate bit width, and the
// error removed by keeping that layer alone FP while all others are quantized. Local mode: both
// models are fed the FP trajectory's x_t, so each step's error is its own.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

#include <ATen/Tensor.h>

#include "core/common/progress.h"
#include "core/diffusion/noise_schedule.h"
#include "core/diffusion/sampler.h"
#include "core/eval/feature_extractor.h"
#include "core/model/unet.h"
#include "core/quant/quantized_model.h"

namespace tdq {

struct SensitivityOptions {
  std::int64_t count = 32;  // samples per seed
  std::int64_t batch_size = 32;
  std::vector<std::uint64_t> seeds = {0, 1};  // each seed: other initial noise (>= 2 for a spread)
  SamplerConfig sampler = {SamplerKind::DDIM, 20, SkipKind::Uniform, true};
  std::int64_t windows = 10;  // groups of consecutive sampling steps
  bool per_layer = true;      // false: only each twin's whole-model error (validating a config)
  // (ours) Also sample each twin from each window on (FP before it) and compare the final samples
  // with FP's (SensitivityResult::twin_final_error): what each window adds at the final sample.
  bool final_errors = true;
  // false: the final-sample error only with the twin in every step (twin_sample_error;
  // twin_final_error stays undefined), one sampling per twin instead of one per window: what
  // validating configs and the results table's noise errors use.
  bool final_per_window = true;
  // (ours) With final_errors: also the distance of each final sample's features (this network's,
  // e.g. FID's) from its FP twin's (SensitivityResult::twin_feature_errors). Pixel MSE misses what
  // FID sees: at a mean of 5 activation bits a searched mix with 22 % less pixel error than uniform
  // bits was 23 FID worse. Not owned; not part of a checkpoint's settings.
  FeatureExtractor* features = nullptr;
  // FP trajectories are kept in memory up to this size and recomputed per layer beyond it, so
  // memory does not grow with `count`.
  std::size_t trajectory_cache_bytes = std::size_t{256} << 20;
};

// Consecutive sampling steps [first_step, last_step] (0 = noisiest), t_first > t_last.
struct TimeWindow {
  std::int64_t first_step = 0, last_step = 0;
  std::int64_t t_first = 0, t_last = 0;
};
// `windows` groups of as equal a number of steps as possible; ConfigError (sensitivity.windows)
// outside 1..steps.
std::vector<TimeWindow> time_windows(const std::vector<std::int64_t>& timesteps,
                                     std::int64_t windows);

// One quantizer-bearing layer of the measurement.
struct SensitivityLayer {
  int index = 0;  // the model's layer index
  std::string path;
  std::int64_t parameters = 0;      // weight elements (what weight bits multiply)
  std::int64_t input_elements = 0;  // input elements per sample and forward (activation bits)
};

// Errors are mean squared differences of the predicted noise against the FP model's, averaged
// over the samples and the steps of each window.
struct SensitivityResult {
  std::vector<std::int64_t> timesteps;  // the schedule, descending
  std::vector<TimeWindow> windows;
  std::vector<SensitivityLayer> layers;  // quantized in every twin
  // Distinct bit widths of the twins, ascending, and the twin that measures each.
  std::vector<int> weight_bits, input_bits;
  std::vector<std::size_t> weight_twin, input_twin;
  at::Tensor weight_damage;  // [seeds, weight_bits, layers, windows]: that weight alone quantized
  at::Tensor input_damage;   // [seeds, input_bits, layers, windows]: that input alone quantized
  at::Tensor keep_fp_gain;   // [seeds, layers, windows]: twin 0's error minus that with it FP
  at::Tensor twin_error;     // [seeds, twins, windows]: each twin as a whole
  // With SensitivityOptions::final_errors (undefined in runs measured before them): mean squared
  // difference of the final samples against FP's from the same noise, per element, when the twin
  // replaces FP from a window to the last step (FP x_t up to it; only with final_per_window), and
  // in every step (= window 0).
  at::Tensor twin_final_error;   // [seeds, twins, windows]
  at::Tensor twin_sample_error;  // [seeds, twins]
  // The same per sample ([seeds, twins, count]; defined with final errors, except in runs measured
  // before it), and the squared distance of the samples' features per feature dimension (defined
  // with SensitivityOptions::features): what a robust statistic of the error needs (the final
  // error of a few dozen samples is heavy-tailed, sample_statistic.h).
  at::Tensor twin_sample_errors;
  at::Tensor twin_feature_errors;
  std::int64_t layers_done = 0;  // rows measured (all of them when complete)
  double seconds = 0;            // measuring time, summed over resumed parts
};

// Measures the twins (the first is the base of keep_fp_gain). Measured per layer, all twins must
// quantize the same layers, each with its config's uniform bits (ConfigError naming
// sensitivity.quant otherwise).
// With a non-empty `checkpoint`, progress is saved there after every layer and a matching
// checkpoint is resumed (ConfigError when it was made with other settings); the caller removes it
// once the result is stored. CancelledError when `progress` asks to stop.
SensitivityResult measure_sensitivity(UNetImpl& model, const std::vector<QuantizedModel*>& twins,
                                      const NoiseSchedule& schedule,
                                      const SensitivityOptions& options,
                                      const std::filesystem::path& checkpoint = {},
                                      const ProgressFn& progress = {});

// The additive model's damage of one layer's option: the mean over seeds and windows.
double mean_damage(const at::Tensor& damage, std::int64_t candidate, std::int64_t layer);
// One window's share of that mean: the mean over seeds in the window, divided by the window count,
// so that the shares of a layer's windows add up to mean_damage.
double mean_window_damage(const at::Tensor& damage, std::int64_t candidate, std::int64_t layer,
                          std::int64_t window);

// (ours) How much a unit of local noise error in each window grows into at the final sample, for
// the twin `twin`: the window's share of the final error (quantized from it on, minus from the
// next window on; >= 0), over its local error (seed means; 0 where the twin has none). The shares
// add up to the twin's whole final error, so the later windows, quantized too, are part of what a
// window's error becomes. ConfigError (search.damage) for a run without final errors.
std::vector<double> window_gains(const SensitivityResult& result, std::size_t twin);

}  // namespace tdq
