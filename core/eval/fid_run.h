#pragma once
// FID and Inception Score of a diffusion model's samples (FP, or a quantized twin through its
// LayerHooks) against reference statistics (core/eval/fid_reference.h), for several step counts
// and seeds in one run; the run folder is written by core/eval/fid_run_folder.h.
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include <ATen/Tensor.h>
#include <c10/core/Device.h>

#include "core/common/progress.h"
#include "core/diffusion/generate.h"
#include "core/dist/dist_context.h"
#include "core/eval/feature_extractor.h"
#include "core/eval/frechet.h"
#include "core/eval/inception_score.h"

namespace tdq {

struct FidRunOptions {
  std::int64_t count = 1000;  // samples per (steps, seed)
  std::int64_t batch_size = 64;
  std::vector<std::int64_t> steps = {20};
  std::vector<std::uint64_t> seeds = {0};
  SamplerConfig sampler;  // its `steps` is replaced by each entry of `steps`
  std::int64_t is_splits = 10;
};

struct FidPoint {
  std::int64_t steps = 0;
  std::uint64_t seed = 0;
  FrechetResult frechet;
  GaussianStats stats;  // of the samples' features (a run's stats/ folder)
  // Against the FP model's samples from the same noise (FidPointStats of an FP run): what
  // quantization changed, without the FP model's own gap to the data.
  bool has_vs_fp = false;
  FrechetResult vs_fp;
  bool has_is = false;
  InceptionScore is;
  double sample_seconds = 0;   // diffusion sampling
  double feature_seconds = 0;  // feature network
  double stats_seconds = 0;    // covariance accumulation and Frechet distance
};

struct FidSummary {  // one step count over all seeds
  std::int64_t steps = 0;
  double fid_mean = 0, fid_std = 0;  // std over seeds (sample std, n-1; 0 for one seed)
  double is_mean = 0, is_std = 0;    // IS mean over seeds, and its std over seeds
  bool has_vs_fp = false;
  double vs_fp_mean = 0, vs_fp_std = 0;  // FID against the FP samples of the same noise
};

// Feature statistics of a run's points by (steps, seed).
using FidPointStats = std::map<std::pair<std::int64_t, std::uint64_t>, GaussianStats>;

struct FidResult {
  std::vector<FidPoint> points;  // steps-major, then seeds, in the order given
  std::vector<FidSummary> summaries;
  double seconds = 0;
};

// Samples `count` images per (steps, seed), feeds the extractor batch by batch and compares the
// accumulated statistics with `reference`. Progress counts model evaluations over the whole run.
// With `fp_points` (the FP model's points, same n, batch and sampler), each point is also compared
// with the FP point of its (steps, seed); ConfigError ("fid.vs_fp") before sampling when one lacks.
// Sharded over the ranks of `dist`: each samples its consecutive batches (batch_shard) with the
// noise one process would use, and the points' feature sums, counts and class probabilities are
// reduced exactly, so every rank returns the single-process result (to float64 round-off in the
// moments; timings are this rank's). ConfigError ("fid.count") when there are fewer batches than
// ranks.
FidResult run_fid(UNetImpl& model, const NoiseSchedule& schedule, FeatureExtractor& extractor,
                  const GaussianStats& reference, const FidRunOptions& options, c10::Device device,
                  const ProgressFn& progress = {}, LayerHooks* hooks = nullptr,
                  const FidPointStats* fp_points = nullptr, const DistContext& dist = {});

// The floor for a sample count: the same statistics for `options.count` real images per seed
// (a seeded random subset of `images`, e.g. the training set), instead of samples. Points have
// steps = 0. ConfigError when there are fewer images than `count`.
FidResult run_fid_real(const at::Tensor& images, FeatureExtractor& extractor,
                       const GaussianStats& reference, const FidRunOptions& options,
                       const ProgressFn& progress = {});

}  // namespace tdq
