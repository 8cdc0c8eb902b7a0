#include "core/jobs/experiment_job.h"

#include <algorithm>
#include <system_error>

#include "core/common/errors.h"
#include "core/data/fashion_mnist.h"
#include "core/quant/qat_trainer.h"
#include "core/quant/quant_run.h"
#include "core/record/analysis_io.h"
#include "core/record/schedule_coverage.h"
#include "core/run/run_folder.h"

namespace tdq {

namespace {

LoadedModel load(const std::filesystem::path& dir) {
  return load_model(dir.empty() ? default_model_dir() : dir);
}

void refuse_existing(const std::filesystem::path& out) {
  if (std::filesystem::exists(out)) {
    throw IoError(out.string() + ": run folder exists already (choose another name or remove it)");
  }
}

PtqResult train(const QuantizeJob& job, UNetImpl& model, QuantizedModel& twin,
                const SamplerConfig& sampler, const ProgressFn& progress) {
  if (job.qat_steps < 1) {
    throw ConfigError(to_string(job.quant.method) + " trains: set QAT steps to at least 1");
  }
  QatOptions qat;
  qat.train.steps = job.qat_steps;
  qat.train.batch_size = job.qat_batch;
  qat.train.lr = 2e-4;
  qat.train.weight_decay = 0.01;
  qat.train.warmup_steps = job.qat_steps / 20;
  qat.train.lr_schedule = LrSchedule::Constant;
  qat.train.seed = job.seed;
  qat.train.log_every = std::max<std::int64_t>(1, std::min<std::int64_t>(50, job.qat_steps / 10));
  qat.bake_timesteps = sampling_timesteps(sampler, linear_schedule().num_timesteps);
  const auto data_dir = job.data_dir.empty() ? default_fashion_mnist_dir() : job.data_dir;
  const ImageDataset data = load_fashion_mnist(data_dir, Split::Train, job.qat_limit);
  // No checkpoint: a job that stops is simply started again.
  const QatResult trained =
      train_quantized(model, twin, data.images.contiguous(), linear_schedule(), qat, {}, progress);
  PtqResult result;
  result.calibration = {{"set", "qat"},
                        {"data", {{"dir", data_dir.string()}, {"images", data.images.size(0)}}},
                        {"train_config", to_json(qat.train)},
                        {"baked_timesteps", qat.bake_timesteps}};
  result.metrics = {{"calibration_seconds", trained.history.seconds},
                    {"qat_steps", trained.history.step},
                    {"history", to_json(trained.history)}};
  return result;
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

std::filesystem::path run_quantize_job(const QuantizeJob& job, const std::filesystem::path& out,
                                       const ProgressFn& progress) {
  refuse_existing(out);
  LoadedModel loaded = load(job.model_dir);
  QuantizedModel twin(*loaded.model, job.quant);
  SamplerConfig sampler;
  sampler.steps = job.calib_steps;
  PtqOptions ptq;
  ptq.sampling.samples = job.calib > 0 ? job.calib : 64;
  ptq.sampling.batch_size = std::min<std::int64_t>(ptq.sampling.samples, 64);
  ptq.sampling.seed = job.seed;
  ptq.sampling.sampler = sampler;
  ptq.set.trajectories = job.calib > 0 ? job.calib : 256;
  ptq.set.seed = job.seed;
  ptq.set.sampler = sampler;
  ptq.reconstruction.iterations = job.iters;
  ptq.reconstruction.seed = job.seed + 2;
  const bool qat = is_qat_method(job.quant.method) || job.qat_steps > 0;
  const PtqResult result =
      qat ? train(job, *loaded.model, twin, sampler, progress)
          : quantize_post_training(*loaded.model, twin, linear_schedule(), ptq, progress);
  return write_quantize_run(loaded, twin, result.calibration, result.metrics, out);
}

std::filesystem::path run_analyze_job(const AnalyzeJob& job, const std::filesystem::path& out,
                                      const ProgressFn& progress) {
  refuse_existing(out);
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
  refuse_existing(out);
  refuse_existing(runs.quant_run);
  // QAT is far more work than an analyze run of a few images; calibration about as much.
  const double split = is_qat_method(job.quantize.quant.method) ? 0.8 : 0.5;
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
