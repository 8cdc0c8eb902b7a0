#pragma once
// A sensitivity run as a folder: run.json of kind "sensitivity" (model, quantize runs, sampler,
// seeds, windows, layers with their sizes), sensitivity.safetensors (the result's matrices,
// float64) and tables/sensitivity.csv (long format: layer x kind x bits x window, mean and seed
// spread).
#include <filesystem>
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
