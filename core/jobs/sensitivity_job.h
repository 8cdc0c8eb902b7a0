#pragma once
// `tdq sensitivity` as a job: quantize runs in, a sensitivity run folder out (core/sensitivity).
#include <filesystem>
#include <string>
#include <vector>

#include "core/common/progress.h"
#include "core/sensitivity/sensitivity.h"

namespace tdq {

struct SensitivityJob {
  std::filesystem::path model_dir;  // empty: the shipped default model
  // Quantize runs of that model, one per bit setting (e.g. W4A4, W6A6, W8A8 of one method); the
  // first is the base whose layers are kept FP one at a time.
  std::vector<std::filesystem::path> quant_runs;
  SensitivityOptions options;
  std::string device = "cpu";
  // With options.final_errors: also the per-sample distance of the final samples' features
  // (SensitivityResult::twin_feature_errors) in this feature network (empty: the shipped one).
  bool feature_errors = false;
  std::filesystem::path features;
};

// <out>.checkpoint.safetensors, beside the run folder: progress after every layer.
std::filesystem::path sensitivity_checkpoint(const std::filesystem::path& out);

// Measures and writes the run folder atomically; the same job again after a stop resumes from the
// checkpoint. IoError before any work when `out` exists; ConfigError naming the field.
std::filesystem::path run_sensitivity_job(const SensitivityJob& job,
                                          const std::filesystem::path& out,
                                          const ProgressFn& progress = {});

}  // namespace tdq
