#pragma once
// The analyze run folder the analyze fuzz targets start from: an FP model beside its MinMax twin,
// made once per process under `dir`. The model has one resolution level (every layer kind, the
// middle block's attention included, in 25 layers instead of the tiny model's 51): the [layers,
// 1000] float64 curves of the tiny model made stats.safetensors 1.4 MB, beyond libFuzzer's 1 MB
// input limit, so only truncated statistics were ever mutated.
#include <filesystem>

#include "core/jobs/experiment_job.h"
#include "core/jobs/quantize_job.h"
#include "tests/support/tiny_runs.h"

namespace tdq::fuzz {

inline UNetConfig one_level_unet_config() {
  UNetConfig config = test::tiny_unet_config();
  config.block_out_channels = {8};
  config.down_block_types = {"DownBlock2D"};
  config.up_block_types = {"UpBlock2D"};
  return config;
}

// Returns the analyze run folder.
inline std::filesystem::path make_analyze_run(const std::filesystem::path& dir) {
  const auto tiny = test::make_tiny_model(dir, one_level_unet_config());
  auto job = test::tiny_analyze_job(tiny);
  job.quant_run = run_quantize_job(test::tiny_quantize_job(tiny), dir / "minmax");
  return run_analyze_job(job, dir / "analyze");
}

}  // namespace tdq::fuzz
