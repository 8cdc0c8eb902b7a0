#include "core/jobs/quantize_job.h"

#include "core/jobs/distributed_quantize_job.h"

#include "core/quant/interval_spread.h"

#include <ATen/Parallel.h>

#include <algorithm>

#include "core/common/errors.h"
#include "core/common/runtime.h"
#include "core/data/fashion_mnist.h"
#include "core/quant/data_parallel_qat.h"
#include "core/quant/qat_trainer.h"
#include "core/quant/quant_run.h"
#include "core/run/run_folder.h"

namespace tdq {

namespace {

// Where the FP model's calibration samples come from, for every method that calibrates.
PtqOptions ptq_options(const QuantizeJob& job, const SamplerConfig& sampler) {
  PtqOptions ptq;
  ptq.sampling.samples = job.calib > 0 ? job.calib : 64;
  ptq.sampling.batch_size = std::min<std::int64_t>(ptq.sampling.samples, 64);
  ptq.sampling.seed = job.seed;
  ptq.sampling.sampler = sampler;
  ptq.set.kind = job.calib_set;
  ptq.set.trajectories = job.calib > 0 ? job.calib : 256;
  ptq.set.timesteps_per_trajectory = job.calib_t;
  ptq.set.seed = job.seed;
  ptq.set.sampler = sampler;
  ptq.reconstruction.iterations = job.iters;
  ptq.reconstruction.batch_size = job.recon_batch;
  ptq.reconstruction.qdrop = job.qdrop;
  ptq.reconstruction.seed = job.seed + 2;
  return ptq;
}

QatOptions qat_options(const QuantizeJob& job, const SamplerConfig& sampler) {
  QatOptions qat;
  qat.train.steps = job.qat_steps;
  qat.train.batch_size = job.qat_batch;
  qat.train.lr = job.lr;
  qat.train.weight_decay = 0.01;
  qat.train.warmup_steps = job.warmup >= 0 ? job.warmup : job.qat_steps / 20;
  qat.train.lr_schedule = LrSchedule::Constant;
  qat.train.ema_decay = job.ema;
  qat.train.seed = job.seed;
  qat.train.log_every = std::max<std::int64_t>(1, std::min<std::int64_t>(50, job.qat_steps / 10));
  qat.train.checkpoint_every = job.checkpoint_every;
  qat.max_seconds = job.max_seconds;
  qat.lr_scales = job.lr_scales;
  qat.bake_timesteps = sampling_timesteps(sampler, linear_schedule().num_timesteps);
  return qat;
}

// Quantization-aware training on the Fashion-MNIST training images.
PtqResult train(const QuantizeJob& job, const std::filesystem::path& out, UNetImpl& model,
                QuantizedModel& twin, const SamplerConfig& sampler, const ProgressFn& progress,
                const DistContext& dist) {
  if (job.qat_steps < 1) {
    throw ConfigError("quantize.qat_steps", std::to_string(job.qat_steps),
                      "method " + to_string(job.quant.method) + " trains: give at least 1 step");
  }
  const QatOptions qat = qat_options(job, sampler);
  const auto data_dir = job.data_dir.empty() ? default_fashion_mnist_dir() : job.data_dir;
  const ImageDataset data = load_fashion_mnist(data_dir, Split::Train, job.qat_limit);
  const QatResult trained = train_quantized_data_parallel(
      model, twin, data.images.contiguous(), linear_schedule(), qat,
      job.resumable ? quantize_checkpoint(out) : std::filesystem::path(), dist, progress);
  PtqResult result;
  result.calibration = {
      {"set", "qat"},
      {"data", {{"dir", data_dir.string()}, {"split", "train"}, {"images", data.images.size(0)}}},
      {"train_config", to_json(qat.train)},
      {"lr_scales", to_json(trained.lr_scales)},
      {"init", {{"rule", "statistics"}, {"passes", qat.init_passes}}},
      {"baked_timesteps", qat.bake_timesteps}};
  const auto& history = trained.history;
  result.metrics = {{"calibration_seconds", history.seconds},
                    {"qat_steps", history.step},
                    {"qat_seconds", history.seconds},
                    {"history", to_json(history)},
                    {"final_loss", history.losses.empty() ? nlohmann::json()
                                                          : nlohmann::json(history.losses.back())}};
  const nlohmann::json moves = step_movement_json(trained.activation_step_moves);
  if (!moves.is_null()) result.metrics["activation_step_moves"] = moves;
  return result;
}

}  // namespace

bool trains(const QuantizeJob& job) { return is_qat_method(job.quant.method) || job.qat_steps > 0; }

std::filesystem::path quantize_checkpoint(const std::filesystem::path& out) {
  return run_checkpoint(out);
}

namespace {

// quantize_model on the ranks of `dist`: QAT data-parallel, PTQ with its sampling split.
QuantizeOutcome quantize_on_ranks(const QuantizeJob& job, LoadedModel& loaded,
                                  const std::filesystem::path& out, const ProgressFn& progress,
                                  const DistContext& dist) {
  const c10::Device device = loaded.model->parameters().front().device();
  QuantizeOutcome outcome;
  outcome.twin = std::make_unique<QuantizedModel>(*loaded.model, job.quant);
  QuantizedModel& twin = *outcome.twin;
  SamplerConfig sampler;
  sampler.kind = job.sampler;
  sampler.steps = job.calib_steps;
  PtqResult result = trains(job)
                         ? train(job, out, *loaded.model, twin, sampler, progress, dist)
                         : quantize_post_training(*loaded.model, twin, linear_schedule(),
                                                  ptq_options(job, sampler), progress, dist);
  result.metrics["world_size"] = dist.world_size;
  // s(t) max/min over the sampling schedule per quantizer: a TDQ that learned a static interval
  // shows at once (1.0 for static methods).
  const auto schedule_steps = sampling_timesteps(sampler, linear_schedule().num_timesteps);
  const nlohmann::json spread =
      interval_spread_json(interval_spread(twin, schedule_steps), schedule_steps.size());
  if (!spread.is_null()) result.metrics["interval_spread"] = spread;
  if (!twin.tdq_fit_rms().empty()) result.metrics["tdq_fit_rms"] = twin.tdq_fit_rms();
  // Times are only comparable on the same device and thread count.
  result.metrics["device"] = device.str();
  result.metrics["threads"] = at::get_num_threads();
  outcome.calibration = std::move(result.calibration);
  outcome.metrics = std::move(result.metrics);
  return outcome;
}

}  // namespace

QuantizeOutcome quantize_model(const QuantizeJob& job, LoadedModel& loaded,
                               const std::filesystem::path& out, const ProgressFn& progress) {
  return quantize_on_ranks(job, loaded, out, progress, DistContext{});
}

std::filesystem::path run_quantize_job(const QuantizeJob& job, const std::filesystem::path& out,
                                       const ProgressFn& progress) {
  return run_quantize_job(job, out, progress, DistContext{});
}

std::filesystem::path run_quantize_job(const QuantizeJob& job, const std::filesystem::path& out,
                                       const ProgressFn& progress, const DistContext& dist) {
  require_new_run_folder(out);
  LoadedModel loaded = load_model(job.model_dir.empty() ? default_model_dir() : job.model_dir);
  loaded.model->to(parse_device(job.device));
  const QuantizeOutcome outcome = quantize_on_ranks(job, loaded, out, progress, dist);
  if (!is_root(dist)) return out;  // every rank holds the twin; rank 0 alone writes it
  const auto run =
      write_quantize_run(loaded, *outcome.twin, outcome.calibration, outcome.metrics, out);
  // The run folder now holds the result.
  if (job.resumable) std::filesystem::remove(quantize_checkpoint(out));
  return run;
}

}  // namespace tdq
