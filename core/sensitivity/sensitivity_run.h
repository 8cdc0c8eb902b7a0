#pragma once
// A sensitivity run as a folder: run.json of kind "sensitivity" (model, quantize runs, sampler,
// seeds, windows, layers with their sizes), sensitivity.safetensors (the result's matrices,
// float64) and tables/sensitivity.csv (long format: layer x kind x bits x window, mean and seed
// spread).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/quant/quant_config.h"
#include "core/sensitivity/sensitivity.h"

namespace tdq {

struct SensitivityRun {
  std::filesystem::path model_dir;
  std::string model_sha256;
  std::vector<std::filesystem::path> quant_runs;  // as measured; the first is the base
  QuantConfig base_config;                        // the first run's: what search-bits edits
  SensitivityOptions options;
  SensitivityResult result;
};

// Writes the folder atomically (RUN.tmp, renamed when complete).
std::filesystem::path write_sensitivity_run(const SensitivityRun& run,
                                            const std::filesystem::path& out);

// FormatError naming the file for a folder that is not a complete sensitivity run.
SensitivityRun read_sensitivity_run(const std::filesystem::path& run_dir);

// The CSV of tables/sensitivity.csv.
std::string sensitivity_csv(const SensitivityResult& result);

}  // namespace tdq

namespace tdq {

// What views and reports show of a sensitivity run, computed once here (views compute nothing):
// seed means and spreads as [layers x windows] row-major matrices, and per-layer bars (mean over
// windows).
struct SensitivityMatrix {
  // "weight", "input", "keep_fp_gain"; with final errors also "weight_final" and "input_final"
  // (each window's damage times its gain into the final sample)
  std::string kind;
  int bits = 0;                      // 0 for keep_fp_gain (the base run's bits)
  std::vector<double> mean, spread;  // [layers x windows], row-major
  std::vector<double> layer_mean;    // per layer, over windows and seeds
};
struct SensitivitySummary {
  std::vector<std::string> layer_paths;
  std::vector<TimeWindow> windows;
  std::vector<SensitivityMatrix> matrices;  // weight and input per bits, keep_fp_gain, finals
  std::vector<double> twin_error;           // per quantize run, mean over seeds and windows
};
SensitivitySummary summarize_sensitivity(const SensitivityRun& run);

// A bit-search run folder (`tdq search-bits`), as the views show it.
struct ParetoPoint {
  double mean_bits = 0, predicted = 0;
};
struct ValidatedConfig {
  std::string name;  // "searched", "uniform<b>", "random<k>"
  double weight_mean_bits = 0, input_mean_bits = 0, predicted = 0, measured = 0;
  std::vector<double> measured_per_seed;
};
struct BitSearchRun {
  std::filesystem::path sensitivity_run;
  double weight_mean_bits = 0, input_mean_bits = 0, predicted = 0;
  std::vector<ParetoPoint> weight_front, input_front;  // empty for a kind not searched
  std::vector<ValidatedConfig> validation;             // empty without --validate
  std::optional<double> spearman;                      // predicted vs measured, validated configs
};
// FormatError naming the file for a folder that is not a bit-search run.
BitSearchRun read_bit_search_run(const std::filesystem::path& run_dir);

}  // namespace tdq
