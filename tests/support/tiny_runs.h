#pragma once
// Tiny model, feature network and run folders made with the core API, for tests of the views and
// of `tdq demo`: a few seconds on one CPU core.
#include <ATen/ATen.h>

#include <filesystem>
#include <string>

#include "core/eval/feature_net.h"
#include "core/eval/frechet.h"
#include "core/jobs/experiment_job.h"
#include "core/jobs/fid_job.h"
#include "core/model/model_io.h"
#include "core/model/unet.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_models.h"

namespace tdq::test {

struct TinyRuns {
  std::filesystem::path model, features, reference;
};

// dir/model (tiny U-Net), dir/fnet (tiny feature network for 8x8 images), dir/ref.safetensors.
inline TinyRuns make_tiny_model(const std::filesystem::path& dir,
                                const UNetConfig& unet = tiny_unet_config()) {
  at::manual_seed(0);
  UNet model(unet);
  save_model(dir / "model", *model);
  FeatureNetConfig config;
  config.base_channels = 4;
  config.feature_dim = 12;
  config.image_size = 8;
  FeatureNet net(config);
  save_feature_net(dir / "fnet", *net);
  write_gaussian_stats(dir / "ref.safetensors", gaussian_stats(at::randn({40, 12}).abs()));
  return {dir / "model", dir / "fnet", dir / "ref.safetensors"};
}
inline TinyRuns make_tiny_model(const TempDir& dir) { return make_tiny_model(dir.path()); }

inline QuantizeJob tiny_quantize_job(const TinyRuns& tiny,
                                     QuantMethod method = QuantMethod::MinMax) {
  QuantizeJob job;
  job.model_dir = tiny.model;
  job.quant.method = method;
  job.quant.w_bits = 8;
  job.quant.a_bits = 4;
  job.calib = 2;
  job.calib_steps = 4;
  return job;
}

inline AnalyzeJob tiny_analyze_job(const TinyRuns& tiny, std::int64_t steps = 4) {
  AnalyzeJob job;
  job.model_dir = tiny.model;
  job.n = 4;
  job.batch = 4;
  job.steps = steps;
  job.bins = 8;
  return job;
}

inline FidJob tiny_fid_job(const TinyRuns& tiny, const std::filesystem::path& quant_run = {}) {
  FidJob job;
  job.model_dir = tiny.model;
  job.quant_run = quant_run;
  job.n = 8;
  job.batch = 4;
  job.steps = {4, 2};
  job.seeds = {0, 1};
  job.features = tiny.features;
  job.reference = tiny.reference;
  return job;
}

}  // namespace tdq::test
