#include "core/jobs/experiment_job.h"

#include <algorithm>
#include <system_error>

#include "core/common/errors.h"
#include "core/quant/quant_run.h"
#include "core/record/analysis_io.h"
#include "core/record/schedule_coverage.h"
#include "core/run/run_folder.h"

namespace tdq {

namespace {

LoadedModel load(const std::filesystem::path& dir) {
  return load_model(dir.empty() ? default_model_dir() : dir);
}

// Maps a stage's own done/total onto [begin, end) of the whole job, in thousandths.
ProgressFn stage(const ProgressFn& progress, double begin, double end, const std::string& name) {
  return [=](const ProgressInfo& p) {
    if (!progress) return true;
    const double f = p.total > 0 ? static_cast<double>(p.done) / static_cast<double>(p.total) : 0;
    return progress({static_cast<std::int64_t>(1000 * (begin + f * (end - begin))), 1000,
                     name + ": " + p.message});
  };
}

}  // namespace

std::filesystem::path run_analyze_job(const AnalyzeJob& job, const std::filesystem::path& out,
                                      const ProgressFn& progress) {
  require_new_run_folder(out);
  LoadedModel loaded = load(job.model_dir);
  AnalyzeOptions options;
  options.record.count = job.n;
  options.record.batch_size = std::max<std::int64_t>(1, std::min(job.batch, job.n));
  options.record.seed = job.seed;
  options.record.sampler.steps = job.steps;
  options.record.bins = job.bins;
  std::unique_ptr<QuantizedModel> twin;
  if (!job.quant_run.empty()) {
    twin = load_quantize_run(job.quant_run, loaded);
    options.calibration_timesteps = calibration_timesteps_of(
        job.quant_run, sampling_timesteps(options.record.sampler, linear_schedule().num_timesteps));
  }
  const AnalysisRun run = run_analysis(loaded, twin.get(), job.quant_run.string(),
                                       linear_schedule(), options, progress);
  return write_analysis_run(run, out);
}

ExperimentRuns run_experiment_job(const ExperimentJob& job, const std::filesystem::path& out,
                                  const ProgressFn& progress) {
  ExperimentRuns runs;
  runs.quant_run = out.parent_path() / (out.filename().string() + "-quant");
  require_new_run_folder(out);
  require_new_run_folder(runs.quant_run);
  // QAT is far more work than an analyze run of a few images; calibration about as much.
  const double split = trains(job.quantize) ? 0.8 : 0.5;
  run_quantize_job(job.quantize, runs.quant_run, stage(progress, 0, split, "quantize"));
  try {
    AnalyzeJob analyze = job.analyze;
    analyze.model_dir = job.quantize.model_dir;
    analyze.quant_run = runs.quant_run;
    runs.analyze_run = run_analyze_job(analyze, out, stage(progress, split, 1, "analyze"));
  } catch (...) {
    std::error_code ignored;  // the first error is the one to report
    std::filesystem::remove_all(runs.quant_run, ignored);
    throw;
  }
  return runs;
}

std::string experiment_name(const QuantConfig& config) {
  return to_string(config.method) + "-w" + std::to_string(config.w_bits) + "a" +
         std::to_string(config.a_bits);
}

}  // namespace tdq
