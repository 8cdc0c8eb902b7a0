#pragma once
// FID and Inception Score of a diffusion model's samples (FP, or a quantized twin through its
// LayerHooks) against reference statistics, for several step counts and seeds in one run.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <ATen/Tensor.h>
#include <c10/core/Device.h>
#include <nlohmann/json.hpp>

#include "core/common/progress.h"
#include "core/diffusion/generate.h"
#include "core/eval/feature_extractor.h"
#include "core/eval/frechet.h"
#include "core/eval/inception_score.h"

namespace tdq {

// Calls `on_batch(images, first_index)` for consecutive batches of `options.count` samples instead
// of returning them all, so memory does not grow with the count. The images are those of
// generate_samples with the same options (same initial noise per sample, same DDPM noise per
// batch).
using SampleBatchFn = std::function<void(const at::Tensor& images, std::int64_t first_index)>;
void for_each_sample_batch(UNetImpl& model, const NoiseSchedule& schedule,
                           const GenerateOptions& options, c10::Device device,
                           const SampleBatchFn& on_batch, const ProgressFn& progress = {},
                           LayerHooks* hooks = nullptr);

struct ReferenceStats {
  GaussianStats stats;
  std::string source;                // "fashion-mnist test (10000 images)" or the file
  std::filesystem::path cache_file;  // empty when not cached
  bool from_cache = false;
  double seconds = 0;  // computing or reading them
};

// Statistics of the Fashion-MNIST test images under `extractor` (the first `limit`, all when < 0).
// With a non-empty `cache_dir` they are read from, or written atomically to,
// cache_dir/fmnist-test-<extractor cache key>-n<count>.safetensors.
ReferenceStats fashion_mnist_reference(FeatureExtractor& extractor,
                                       const std::filesystem::path& data_dir,
                                       const std::filesystem::path& cache_dir,
                                       std::int64_t limit = -1, std::int64_t batch_size = 250,
                                       const ProgressFn& progress = {});
// Reference statistics from a .safetensors file with float64 `mu` and `sigma` (ConfigError when
// their dimension differs from the extractor's).
ReferenceStats file_reference(const std::filesystem::path& file, std::int64_t expected_dim);

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
};

struct FidResult {
  std::vector<FidPoint> points;  // steps-major, then seeds, in the order given
  std::vector<FidSummary> summaries;
  double seconds = 0;
};

// Samples `count` images per (steps, seed), feeds the extractor batch by batch and compares the
// accumulated statistics with `reference`. Progress counts model evaluations over the whole run.
FidResult run_fid(UNetImpl& model, const NoiseSchedule& schedule, FeatureExtractor& extractor,
                  const GaussianStats& reference, const FidRunOptions& options, c10::Device device,
                  const ProgressFn& progress = {}, LayerHooks* hooks = nullptr);

// The floor for a sample count: the same statistics for `options.count` real images per seed
// (a seeded random subset of `images`, e.g. the training set), instead of samples. Points have
// steps = 0. ConfigError when there are fewer images than `count`.
FidResult run_fid_real(const at::Tensor& images, FeatureExtractor& extractor,
                       const GaussianStats& reference, const FidRunOptions& options,
                       const ProgressFn& progress = {});

nlohmann::json to_json(const FidPoint& point);
nlohmann::json to_json(const FidSummary& summary);
nlohmann::json to_json(const FidResult& result);
// steps,seed,fid,mean_term,trace_term,is_mean,is_std,clamped_eigenvalues,sample_seconds,feature_seconds
std::string fid_csv(const FidResult& result);

// What run.json records besides the numbers.
struct FidRunInfo {
  std::filesystem::path model_dir;
  std::string model_sha256;
  std::string quant_run;  // empty for the FP model
  std::int64_t table_fallbacks = 0;
  std::string device = "cpu";
};

// run.json of kind "fid": model, sampler, n, steps, seeds, feature network (name, sha256),
// reference statistics, per-(steps, seed) points, per-steps summaries, timings, eigenvalue
// clamping.
nlohmann::json fid_run_json(const FidRunInfo& info, const FidRunOptions& options,
                            const FeatureExtractor& extractor, const ReferenceStats& reference,
                            const FidResult& result);
// Writes RUN/run.json and RUN/tables/fid.csv through RunFolderWriter (RUN.tmp, then rename; an
// existing run is never overwritten). Returns the run folder.
std::filesystem::path write_fid_run(const std::filesystem::path& out,
                                    const nlohmann::json& run_json, const FidResult& result);

// "100,50,20" -> {100, 50, 20}; ConfigError naming `option` for empty, non-numeric or < min
// entries.
std::vector<std::int64_t> parse_int_list(const std::string& text, const std::string& option,
                                         std::int64_t min = 0);

}  // namespace tdq
