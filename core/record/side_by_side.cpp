#include "core/record/side_by_side.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <thread>

#include "core/common/errors.h"
#include "core/common/memory_budget.h"
#include "core/diffusion/generate.h"
#include "core/dist/shard.h"
#include "core/record/stats_worker.h"

namespace tdq {

namespace {

std::vector<std::string> layer_paths(const UNetImpl& model) {
  std::vector<std::string> paths;
  for (const auto& layer : model.layers()) paths.push_back(layer.path);
  return paths;
}

double squared_error(const at::Tensor& a, const at::Tensor& b) {
  return (a.to(at::kDouble) - b.to(at::kDouble)).square().sum().item<double>();
}

at::Tensor first(const at::Tensor& images, std::int64_t count) {
  return images.narrow(0, 0, std::min(count, images.size(0))).to(c10::kCPU).clone();
}

}  // namespace

std::vector<std::int64_t> step_image_indices(std::int64_t steps, std::int64_t every) {
  if (every == 0 || steps < 1) return {};
  if (every < 0) every = std::max<std::int64_t>(1, steps / 10);
  std::vector<std::int64_t> out;
  for (std::int64_t k = 0; k < steps; k += every) out.push_back(k);
  if (out.back() != steps - 1) out.push_back(steps - 1);
  return out;
}

SideBySideRecord record_side_by_side(UNetImpl& model, QuantizedModel* twin,
                                     const NoiseSchedule& schedule,
                                     const SideBySideOptions& options,
                                     const std::vector<HistogramRange>& ranges,
                                     const ProgressFn& progress) {
  if (options.count < 1)
    throw ConfigError("record.count", std::to_string(options.count), "must be positive");
  if (options.batch_size < 1) {
    throw ConfigError("record.batch_size", std::to_string(options.batch_size), "must be positive");
  }
  if (options.bins < 0)
    throw ConfigError("record.bins", std::to_string(options.bins), "must be >= 0");
  const auto start = std::chrono::steady_clock::now();
  at::NoGradGuard no_grad;
  model.eval();
  const auto& config = model.config();
  const auto device = model.parameters().front().device();
  const std::int64_t layers = static_cast<std::int64_t>(model.layers().size());
  const auto paths = layer_paths(model);
  if (static_cast<std::int64_t>(ranges.size()) != layers) {
    throw Error("side-by-side record: " + std::to_string(ranges.size()) +
                " histogram ranges for a model with " + std::to_string(layers) + " layers");
  }
  if (twin && static_cast<std::int64_t>(twin->slots().size()) != layers) {
    throw Error("side-by-side record: the quantized twin has " +
                std::to_string(twin->slots().size()) + " quantizer slots for a model with " +
                std::to_string(layers) + " layers");
  }

  SideBySideRecord rec;
  rec.timesteps = sampling_timesteps(options.sampler, schedule.num_timesteps);
  const std::int64_t steps = static_cast<std::int64_t>(rec.timesteps.size());
  rec.has_twin = twin != nullptr;
  rec.fp = StreamRecord("fp", layers, steps, options.bins, ranges);
  if (twin) {
    rec.local = StreamRecord("local", layers, steps, options.bins, ranges);
    rec.trajectory = StreamRecord("trajectory", layers, steps, options.bins, ranges);
  }
  rec.eps_sq_local.assign(static_cast<std::size_t>(steps), 0.0);
  rec.eps_sq_trajectory.assign(static_cast<std::size_t>(steps), 0.0);
  rec.xt_sq.assign(static_cast<std::size_t>(steps), 0.0);
  rec.values.assign(static_cast<std::size_t>(steps), 0);
  rec.fallbacks.assign(static_cast<std::size_t>(steps), 0);

  RecordingHooks fp_hooks(rec.fp, nullptr, paths);
  RecordingHooks local_hooks(twin ? rec.local : rec.fp, twin, paths);
  RecordingHooks trajectory_hooks(twin ? rec.trajectory : rec.fp, twin, paths);
  // Declared after rec, so that its queued tasks (which write into rec) end before rec goes.
  std::optional<StatsWorker> stats;
  if (stats_worker_pays(at::get_num_threads(),
                        static_cast<int>(std::thread::hardware_concurrency()))) {
    stats.emplace();
    for (RecordingHooks* hooks : {&fp_hooks, &local_hooks, &trajectory_hooks})
      hooks->set_worker(&*stats);
  }

  // Per-step intervals of the twin depend on t only: look them up once per step.
  std::vector<std::vector<double>> scales(static_cast<std::size_t>(steps));
  if (twin) {
    for (std::int64_t k = 0; k < steps; ++k) {
      auto& s = scales[static_cast<std::size_t>(k)];
      for (std::int64_t l = 0; l < layers; ++l) {
        const bool quantized = twin->slots()[static_cast<std::size_t>(l)].quantized;
        s.push_back(quantized ? twin->activation_scale(static_cast<int>(l),
                                                       rec.timesteps[static_cast<std::size_t>(k)])
                              : 0.0);
      }
    }
  }

  // Sample i's initial noise and the per-batch DDPM seed are those of generate_samples.
  require_memory(
      image_bytes(options.count, config.in_channels, config.sample_size, config.sample_size),
      "record.count", std::to_string(options.count), "the initial noise");
  const at::Tensor noise =
      seeded_noise({options.count, config.in_channels, config.sample_size, config.sample_size},
                   options.seed, c10::kCPU);
  const double eta = sampler_eta(options.sampler.kind);
  const std::int64_t batches = (options.count + options.batch_size - 1) / options.batch_size;
  const std::int64_t end_batch =
      requested_batches(options.first_batch, options.end_batch, batches, "record").end;
  rec.first_image = std::min(options.first_batch * options.batch_size, options.keep_images);
  std::vector<at::Tensor> fp_kept, quant_kept;
  std::vector<at::Tensor> fp_inputs;
  const auto snapshot_steps =
      step_image_indices(steps, options.step_images > 0 ? options.step_image_every : 0);
  std::size_t next_snapshot = 0;
  for (std::int64_t b = options.first_batch; b < end_batch; ++b) {
    const std::int64_t begin = b * options.batch_size;
    const std::int64_t size = std::min(options.batch_size, options.count - begin);
    const std::uint64_t seed = batch_noise_seed(options.seed, b);
    at::Generator fp_generator = sampler_noise_generator(seed);
    at::Generator quant_generator = sampler_noise_generator(seed);
    at::Tensor x_fp = noise.narrow(0, begin, size).to(device);
    at::Tensor x_q = x_fp;
    for (std::int64_t k = 0; k < steps; ++k) {
      const auto ks = static_cast<std::size_t>(k);
      const std::int64_t t = rec.timesteps[ks];
      const std::int64_t t_prev = k + 1 < steps ? rec.timesteps[ks + 1] : -1;
      const double a = schedule.alpha_bar(t), a_prev = schedule.alpha_bar(t_prev);
      const at::Tensor t_batch =
          at::full({size}, t, at::TensorOptions().dtype(at::kLong).device(device));
      // Only the first batch: the kept images are its first samples.
      StepImages* snapshot = nullptr;
      if (b == 0 && next_snapshot < snapshot_steps.size() && snapshot_steps[next_snapshot] == k) {
        ++next_snapshot;
        rec.step_images.push_back({k, t, {}, {}, {}, {}});
        snapshot = &rec.step_images.back();
      }

      fp_hooks.begin_step(k, t, {}, nullptr, twin ? &fp_inputs : nullptr);
      const at::Tensor eps_fp = model.forward(x_fp, t_batch, &fp_hooks);
      if (twin) {
        rec.xt_sq[ks] += squared_error(x_fp, x_q);
        rec.values[ks] += x_fp.numel();
        const std::int64_t fallbacks_before = twin->fallbacks();
        local_hooks.begin_step(k, t, scales[ks], &fp_inputs);
        const at::Tensor eps_local = model.forward(x_fp, t_batch, &local_hooks);
        rec.fallbacks[ks] += twin->fallbacks() - fallbacks_before;
        trajectory_hooks.begin_step(k, t, scales[ks], &fp_inputs);
        const at::Tensor eps_q = model.forward(x_q, t_batch, &trajectory_hooks);
        rec.eps_sq_local[ks] += squared_error(eps_fp, eps_local);
        rec.eps_sq_trajectory[ks] += squared_error(eps_fp, eps_q);
        const SamplerUpdate q =
            sampler_update(x_q, eps_q, a, a_prev, eta, options.sampler.clip_x0, quant_generator);
        if (snapshot) {
          snapshot->quant_xt = first(x_q, options.step_images);
          snapshot->quant_x0 = first(q.x0, options.step_images);
        }
        x_q = q.x_prev;
      } else {
        rec.values[ks] += x_fp.numel();
      }
      const SamplerUpdate f =
          sampler_update(x_fp, eps_fp, a, a_prev, eta, options.sampler.clip_x0, fp_generator);
      if (snapshot) {
        snapshot->fp_xt = first(x_fp, options.step_images);
        snapshot->fp_x0 = first(f.x0, options.step_images);
      }
      x_fp = f.x_prev;
      report_progress(progress,
                      {(b - options.first_batch) * steps + k + 1,
                       (end_batch - options.first_batch) * steps, "t=" + std::to_string(t)});
    }
    fp_inputs.clear();
    // Samples [begin, begin + size) of which the first keep_images are kept.
    const std::int64_t keep = std::min(size, options.keep_images - begin);
    if (keep > 0) {
      fp_kept.push_back(x_fp.narrow(0, 0, keep).to(c10::kCPU));
      if (twin) quant_kept.push_back(x_q.narrow(0, 0, keep).to(c10::kCPU));
    }
  }
  if (stats) stats->finish();
  if (!fp_kept.empty()) rec.fp_images = at::cat(fp_kept, 0);
  if (!quant_kept.empty()) rec.quant_images = at::cat(quant_kept, 0);
  rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return rec;
}

std::vector<HistogramRange> histogram_ranges(const StreamRecord& record) {
  std::vector<HistogramRange> ranges;
  for (std::int64_t l = 0; l < record.layers(); ++l) {
    double lo = std::numeric_limits<double>::infinity(),
           hi = -std::numeric_limits<double>::infinity();
    for (std::int64_t k = 0; k < record.steps(); ++k) {
      const auto& cell = record.at(l, k);
      if (cell.count == 0) continue;
      lo = std::min(lo, cell.min);
      hi = std::max(hi, cell.max);
    }
    if (!(lo <= hi)) {
      lo = -1;
      hi = 1;
    }
    const double margin =
        std::max(0.05 * (hi - lo), 1e-6 * std::max(1.0, std::max(std::abs(lo), std::abs(hi))));
    ranges.push_back({lo - margin, hi + margin});
  }
  return ranges;
}

}  // namespace tdq
