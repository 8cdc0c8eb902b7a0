#pragma once
// A bit-width experiment as one job: quantize a model, then record an analyze run of the twin side
// by side with the FP model. Plain values in and out; progress and cancel through ProgressFn,
// errors as exceptions (tdq::Error) that a front end shows as one line. The GUI's experiment panel
// and `tdq demo` run it; both see the same run folders as `tdq quantize` and `tdq analyze`.
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/common/progress.h"
#include "core/quant/quant_config.h"

namespace tdq {

struct QuantizeJob {
  std::filesystem::path model_dir;  // empty: the shipped default model
  QuantConfig quant;
  std::int64_t calib = 0;         // calibration samples; 0: the method's default (64 / 256)
  std::int64_t calib_steps = 20;  // sampler steps of the calibration schedule
  std::int64_t iters = 100;       // PTQ4DM / TDQ-PTQ reconstruction iterations per block
  std::int64_t qat_steps = 0;     // QAT methods need > 0
  std::int64_t qat_batch = 64;
  std::int64_t qat_limit = -1;     // first N training images; -1: all
  std::filesystem::path data_dir;  // Fashion-MNIST for QAT; empty: the default
  std::uint64_t seed = 0;
};

struct AnalyzeJob {
  std::filesystem::path model_dir;  // empty: the shipped default model
  std::filesystem::path quant_run;  // empty: FP only
  std::int64_t n = 16;
  std::int64_t steps = 20;  // DDIM steps
  std::int64_t batch = 16;
  std::int64_t bins = 64;
  std::uint64_t seed = 0;
};

// Each writes its run folder atomically (RUN.tmp, renamed when complete) and returns it. IoError
// before any work when `out` exists; CancelledError when `progress` asks to stop.
std::filesystem::path run_quantize_job(const QuantizeJob& job, const std::filesystem::path& out,
                                       const ProgressFn& progress = {});
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
