#include "core/eval/fid_run.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <string>
#include <tuple>

#include "core/common/errors.h"
#include "core/common/stopwatch.h"
#include "core/dist/gather.h"
#include "core/dist/reduce_gaussian.h"
#include "core/dist/shard.h"

namespace tdq {

namespace {

using Clock = std::chrono::steady_clock;

std::pair<double, double> mean_and_sample_std(const std::vector<double>& values) {
  if (values.empty()) return {0.0, 0.0};
  double mean = 0;
  for (double v : values) mean += v;
  mean /= static_cast<double>(values.size());
  if (values.size() < 2) return {mean, 0.0};
  double var = 0;
  for (double v : values) var += (v - mean) * (v - mean);
  return {mean, std::sqrt(var / static_cast<double>(values.size() - 1))};
}

void check(const FidRunOptions& options, const FeatureExtractor& extractor,
           const GaussianStats& reference) {
  if (options.seeds.empty()) throw ConfigError("fid.seeds", "", "no seed given");
  if (options.count < 2) {
    throw ConfigError("fid.count", std::to_string(options.count),
                      "must be at least 2 for a covariance");
  }
  if (options.batch_size < 1) {
    throw ConfigError("fid.batch_size", std::to_string(options.batch_size), "must be positive");
  }
  if (reference.mean.size(0) != extractor.dim()) {
    throw ConfigError("reference statistics have dimension " +
                      std::to_string(reference.mean.size(0)) + ", the feature network gives " +
                      std::to_string(extractor.dim()));
  }
}

// Hands one point's images to `on_batch`, batch by batch (and adds its sampling time to it).
using PointImagesFn = std::function<void(FidPoint& point, const SampleBatchFn& on_batch)>;

// The one scoring loop of sampled and real images: per step count and seed, the features of the
// point's images batch by batch, their Gaussian against the reference and the Inception Score;
// then the mean and std over seeds per step count.
FidResult score_points(FeatureExtractor& extractor, const GaussianStats& reference,
                       const FidRunOptions& options, const std::vector<std::int64_t>& steps,
                       const PointImagesFn& images_of, const FidPointStats* fp_points,
                       const DistContext& dist) {
  const auto run_start = Clock::now();
  // The reference's square root is computed once for every (steps, seed) point.
  const PreparedGaussian prepared = prepare_gaussian(reference);
  FidResult result;
  for (std::int64_t step_count : steps) {
    std::vector<double> fids, iss, vs_fp;
    for (std::uint64_t seed : options.seeds) {
      FidPoint point;
      point.steps = step_count;
      point.seed = seed;
      GaussianAccumulator accumulator;
      std::vector<at::Tensor> probabilities;
      std::int64_t first_sample = -1;  // of this process's first batch of probabilities
      images_of(point, [&](const at::Tensor& images, std::int64_t first) {
        const auto feature_start = Clock::now();
        FeatureBatch batch = extractor.extract(images);
        point.feature_seconds += seconds_since(feature_start);
        const auto stats_start = Clock::now();
        accumulator.add(batch.features);
        point.stats_seconds += seconds_since(stats_start);
        if (batch.probabilities.defined()) {
          if (probabilities.empty()) first_sample = first;
          probabilities.push_back(batch.probabilities);
        }
      });
      const auto stats_start = Clock::now();
      if (is_distributed(dist)) {
        accumulator = all_reduce_gaussian(dist, accumulator, extractor.dim());
        // Every rank has batches (run_fid checks), so all agree whether there are probabilities.
        // A rank's batches are consecutive samples (core/dist/shard.h): one slice of the whole.
        if (!probabilities.empty()) {
          probabilities = {all_gather_slices(dist, at::cat(probabilities, 0).to(at::kCPU),
                                             first_sample, options.count)};
        }
      }
      point.stats = accumulator.stats();
      point.frechet = frechet_distance(prepared, point.stats);
      if (fp_points) {
        point.vs_fp = frechet_distance(fp_points->at({step_count, seed}), point.stats);
        point.has_vs_fp = true;
        vs_fp.push_back(point.vs_fp.distance);
      }
      point.stats_seconds += seconds_since(stats_start);
      if (!probabilities.empty() && options.count >= options.is_splits) {
        point.is = inception_score(at::cat(probabilities, 0), options.is_splits);
        point.has_is = true;
        iss.push_back(point.is.mean);
      }
      fids.push_back(point.frechet.distance);
      result.points.push_back(point);
    }
    FidSummary summary;
    summary.steps = step_count;
    std::tie(summary.fid_mean, summary.fid_std) = mean_and_sample_std(fids);
    std::tie(summary.is_mean, summary.is_std) = mean_and_sample_std(iss);
    summary.has_vs_fp = !vs_fp.empty();
    std::tie(summary.vs_fp_mean, summary.vs_fp_std) = mean_and_sample_std(vs_fp);
    result.summaries.push_back(summary);
  }
  result.seconds = seconds_since(run_start);
  return result;
}

}  // namespace

FidResult run_fid(UNetImpl& model, const NoiseSchedule& schedule, FeatureExtractor& extractor,
                  const GaussianStats& reference, const FidRunOptions& options, c10::Device device,
                  const ProgressFn& progress, LayerHooks* hooks, const FidPointStats* fp_points,
                  const DistContext& dist) {
  if (options.steps.empty()) throw ConfigError("fid.steps", "", "no step count given");
  check(options, extractor, reference);
  const std::int64_t batches = (options.count + options.batch_size - 1) / options.batch_size;
  const BatchShard shard =
      checked_batch_shard(batches, dist, "fid.count", std::to_string(options.count));
  for (std::int64_t steps : options.steps) {
    for (std::uint64_t seed : options.seeds) {
      if (fp_points && !fp_points->count({steps, seed})) {
        throw ConfigError("fid.vs_fp",
                          "steps " + std::to_string(steps) + " seed " + std::to_string(seed),
                          "the FP run has no such point");
      }
    }
  }
  // One image through the feature network first: a shape the network cannot take, or an output
  // it should not give, fails now and not after the first batch of sampling.
  const auto& unet = model.config();
  extractor.extract(at::zeros({1, unet.in_channels, unet.sample_size, unet.sample_size}));
  auto evaluations = [&](std::int64_t steps) {  // this rank's model evaluations of one point
    SamplerConfig sampler = options.sampler;
    sampler.steps = steps;
    return (shard.end - shard.first) *
           static_cast<std::int64_t>(sampling_timesteps(sampler, schedule.num_timesteps).size());
  };
  std::int64_t total = 0;
  for (std::int64_t steps : options.steps) {
    total += evaluations(steps) * static_cast<std::int64_t>(options.seeds.size());
  }
  std::int64_t done = 0;
  return score_points(
      extractor, reference, options, options.steps,
      [&](FidPoint& point, const SampleBatchFn& on_batch) {
        GenerateOptions generate;
        generate.count = options.count;
        generate.batch_size = options.batch_size;
        generate.seed = point.seed;
        generate.sampler = options.sampler;
        generate.sampler.steps = point.steps;
        generate.first_batch = shard.first;
        generate.end_batch = shard.end;
        const std::string label =
            "steps " + std::to_string(point.steps) + " seed " + std::to_string(point.seed);
        auto last = Clock::now();
        for_each_sample_batch(
            model, schedule, generate, device,
            [&](const at::Tensor& images, std::int64_t first) {
              point.sample_seconds += seconds_since(last);
              on_batch(images, first);
              last = Clock::now();
            },
            [&](const ProgressInfo& info) {
              return !progress || progress({done + info.done, total, label});
            },
            hooks);
        done += evaluations(point.steps);
      },
      fp_points, dist);
}

FidResult run_fid_real(const at::Tensor& images, FeatureExtractor& extractor,
                       const GaussianStats& reference, const FidRunOptions& options,
                       const ProgressFn& progress) {
  check(options, extractor, reference);
  if (images.size(0) < options.count) {
    throw ConfigError(
        "fid.count", std::to_string(options.count),
        "more real images than the data has (" + std::to_string(images.size(0)) + ")");
  }
  const std::int64_t total = options.count * static_cast<std::int64_t>(options.seeds.size());
  std::int64_t done = 0;
  return score_points(
      extractor, reference, options, {0},
      [&](FidPoint& point, const SampleBatchFn& on_batch) {
        auto generator = at::make_generator<at::CPUGeneratorImpl>(point.seed);
        const at::Tensor pick =
            at::randperm(images.size(0), generator, at::kLong).slice(0, 0, options.count);
        for (std::int64_t begin = 0; begin < options.count; begin += options.batch_size) {
          const std::int64_t end = std::min(options.count, begin + options.batch_size);
          on_batch(images.index_select(0, pick.slice(0, begin, end)), begin);
          done += end - begin;
          report_progress(progress,
                          {done, total, "real images seed " + std::to_string(point.seed)});
        }
      },
      nullptr, DistContext{});
}

}  // namespace tdq
