#pragma once
// The analyze run folder the analyze fuzz targets start from: an FP model beside its MinMax twin,
// made once per process under `dir`, of the one-level model: the [layers, 1000] float64 curves of
// the tiny model's 51 layers made stats.safetensors 1.4 MB, beyond libFuzzer's 1 MB input limit,
// so only truncated statistics were ever mutated.
#include <filesystem>

#include "core/jobs/experiment_job.h"
#include "core/jobs/quantize_job.h"
#include "tests/fuzz/one_level_model.h"
#include "tests/support/tiny_runs.h"

namespace tdq::fuzz {

// Returns the analyze run folder.
inline std::filesystem::path make_analyze_run(const std::filesystem::path& dir) {
  const auto tiny = test::make_tiny_model(dir, one_level_unet_config());
  auto job = test::tiny_analyze_job(tiny);
  job.quant_run = run_quantize_job(test::tiny_quantize_job(tiny), dir / "minmax");
  return run_analyze_job(job, dir / "analyze");
}

}  // namespace tdq::fuzz
