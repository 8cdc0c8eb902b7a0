#pragma once
// A bit-width experiment as one job: quantize a model (core/jobs/quantize_job.h), then record an
// analyze run of the twin side by side with the FP model. Plain values in and out; progress and
// cancel through ProgressFn, errors as exceptions (tdq::Error) that a front end shows as one line.
// The GUI's experiment panel and `tdq demo` run it; both see the same run folders as `tdq quantize`
// and `tdq analyze`.
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/common/progress.h"
#include "core/jobs/quantize_job.h"
#include "core/quant/quant_config.h"

namespace tdq {

struct AnalyzeJob {
  std::filesystem::path model_dir;  // empty: the shipped default model
  std::filesystem::path quant_run;  // empty: FP only
  std::int64_t n = 16;
  std::int64_t steps = 20;  // DDIM steps
  std::int64_t batch = 16;
  std::int64_t bins = 64;
  std::uint64_t seed = 0;
};

// Writes its run folder atomically (RUN.tmp, renamed when complete) and returns it. IoError
// before any work when `out` exists; CancelledError when `progress` asks to stop.
std::filesystem::path run_analyze_job(const AnalyzeJob& job, const std::filesystem::path& out,
                                      const ProgressFn& progress = {});

struct ExperimentJob {
  QuantizeJob quantize;
  AnalyzeJob analyze;  // model_dir and quant_run are taken from `quantize` and its run
};

struct ExperimentRuns {
  std::filesystem::path quant_run, analyze_run;
};

// Quantizes into `out`-quant and analyzes into `out`. Progress goes from 0 to 1 over both stages
// (done/total in thousandths). A failure or cancel of either stage leaves neither folder behind.
ExperimentRuns run_experiment_job(const ExperimentJob& job, const std::filesystem::path& out,
                                  const ProgressFn& progress = {});

// "minmax-w8a4" style name for a configuration, for run folder names.
std::string experiment_name(const QuantConfig& config);

}  // namespace tdq
